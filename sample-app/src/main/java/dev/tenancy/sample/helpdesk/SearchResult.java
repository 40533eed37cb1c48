package dev.tenancy.sample.helpdesk;

import java.io.Serializable;
import java.util.List;

/**
 * The answer of {@code GET /api/helpdesk/search}: the best matches, best first, at most
 * {@link KnowledgeBase#MAX_RESULTS}. No total count: nothing beyond the returned hits.
 *
 * @param items the matching articles
 */
public record SearchResult(List<ArticleHit> items) implements Serializable {

	public SearchResult {
		items = List.copyOf(items);
	}

}
