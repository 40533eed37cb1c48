package dev.tenancy.sample.helpdesk;

import jakarta.validation.constraints.NotNull;

/**
 * The body of {@code PUT /api/helpdesk/tickets/{id}/status}.
 *
 * @param status the new status: {@code OPEN}, {@code PENDING}, {@code RESOLVED} or
 * {@code CLOSED}
 */
public record StatusChange(@NotNull String status) {

}
