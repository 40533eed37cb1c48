package dev.tenancy.sample.helpdesk;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /api/helpdesk/tickets}.
 *
 * @param subject what it is about, 1 to 200 characters, no control characters
 * @param message the details, optional, at most 4,000 characters
 */
public record NewTicket(
		@NotBlank @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*",
				message = "must not contain control characters") String subject,
		@Size(max = 4000) @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL") String message) {

}
