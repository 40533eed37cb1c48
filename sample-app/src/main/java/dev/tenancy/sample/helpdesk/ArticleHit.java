package dev.tenancy.sample.helpdesk;

import java.io.Serializable;

/**
 * A knowledge-base article found by a search or suggested for a ticket.
 *
 * @param id the article id
 * @param title its title
 * @param excerpt the start of its body
 * @param rank its {@code ts_rank_cd} score for the query (computed from this article and
 * the query alone, never from other articles)
 */
public record ArticleHit(String id, String title, String excerpt, double rank) implements Serializable {

}
