package dev.tenancy.sample.helpdesk;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of an article write ({@code POST} or {@code PUT} under
 * {@code /admin/tenants/{tenant}/helpdesk/articles}).
 *
 * @param title 1 to 200 characters, no control characters
 * @param body 1 to 20,000 characters of plain text
 */
public record ArticleInput(
		@NotBlank @Size(max = 200) @Pattern(regexp = "[^\\p{Cntrl}]*",
				message = "must not contain control characters") String title,
		@NotBlank @Size(max = 20000) @Pattern(regexp = "[^\\x00]*", message = "must not contain NUL") String body) {

}
