package dev.tenancy.sample.trips;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * A trip's {@code endDate} is not before its {@code startDate}; reported on
 * {@code endDate}. Missing dates are left to {@code @NotNull}.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DateRange.Validator.class)
public @interface DateRange {

	String message() default "must not be before startDate";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/**
	 * Checks {@link NewTrip}.
	 */
	class Validator implements ConstraintValidator<DateRange, NewTrip> {

		@Override
		public boolean isValid(NewTrip trip, ConstraintValidatorContext context) {
			if (trip == null || trip.startDate() == null || trip.endDate() == null
					|| !trip.endDate().isBefore(trip.startDate())) {
				return true;
			}
			context.disableDefaultConstraintViolation();
			context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
				.addPropertyNode("endDate")
				.addConstraintViolation();
			return false;
		}

	}

}
