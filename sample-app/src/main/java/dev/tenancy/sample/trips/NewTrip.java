package dev.tenancy.sample.trips;

import java.time.LocalDate;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/trips}.
 *
 * @param name the trip's name, 1 to 100 characters, no control characters
 * @param destination where it goes, 1 to 100 characters, no control characters
 * @param startDate the first day
 * @param endDate the last day, not before {@code startDate}
 */
@DateRange
public record NewTrip(
		@NotBlank @Size(max = NewTrip.MAX_TEXT) @Pattern(regexp = NewTrip.NO_CONTROL_CHARACTERS,
				message = "must not contain control characters") String name,
		@NotBlank @Size(max = NewTrip.MAX_TEXT) @Pattern(regexp = NewTrip.NO_CONTROL_CHARACTERS,
				message = "must not contain control characters") String destination,
		@NotNull LocalDate startDate, @NotNull LocalDate endDate) {

	/** Longest accepted name or destination. */
	public static final int MAX_TEXT = 100;

	static final String NO_CONTROL_CHARACTERS = "[^\\p{Cntrl}]*";

}
