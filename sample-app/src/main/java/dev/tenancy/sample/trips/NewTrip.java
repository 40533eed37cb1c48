package dev.tenancy.sample.trips;

import java.time.LocalDate;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/trips}.
 *
 * @param reference the tenant's own reference, optional: 1 to 40 letters, digits,
 * {@code .}, {@code _} or {@code -}, starting with a letter or digit; generated when
 * absent
 * @param name the trip's name, 1 to 100 characters, no control characters
 * @param destination where it goes, 1 to 100 characters, no control characters
 * @param startDate the first day
 * @param endDate the last day, not before {@code startDate}
 */
@DateRange
public record NewTrip(
		@Size(min = 1, max = NewTrip.MAX_REFERENCE) @Pattern(regexp = NewTrip.REFERENCE,
				message = "must be letters, digits, '.', '_' or '-', starting with a letter or digit") String reference,
		@NotBlank @Size(max = NewTrip.MAX_TEXT) @Pattern(regexp = NewTrip.NO_CONTROL_CHARACTERS,
				message = "must not contain control characters") String name,
		@NotBlank @Size(max = NewTrip.MAX_TEXT) @Pattern(regexp = NewTrip.NO_CONTROL_CHARACTERS,
				message = "must not contain control characters") String destination,
		@NotNull LocalDate startDate, @NotNull LocalDate endDate) {

	/** Longest accepted name or destination. */
	public static final int MAX_TEXT = 100;

	/** Longest accepted reference. */
	public static final int MAX_REFERENCE = 40;

	static final String NO_CONTROL_CHARACTERS = "[^\\p{Cntrl}]*";

	static final String REFERENCE = "[A-Za-z0-9][A-Za-z0-9._-]*";

}
