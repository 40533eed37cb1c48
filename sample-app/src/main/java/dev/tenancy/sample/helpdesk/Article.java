package dev.tenancy.sample.helpdesk;

import java.time.Instant;

/**
 * A knowledge-base article of the current tenant.
 *
 * @param id the article id
 * @param title its title
 * @param body its plain-text body
 * @param language the PostgreSQL text search configuration it is indexed with
 * @param updatedAt when it last changed
 */
public record Article(String id, String title, String body, String language, Instant updatedAt) {

}
