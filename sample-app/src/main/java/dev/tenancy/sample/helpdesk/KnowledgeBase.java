package dev.tenancy.sample.helpdesk;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;
import dev.tenancy.registry.TenantRegistry;

/**
 * The current tenant's knowledge base in PostgreSQL ({@code travel.helpdesk_article}):
 * articles and their full-text search.
 * <p>
 * Search: {@code websearch_to_tsquery} (never a syntax error, whatever the input) in the
 * tenant's language ({@link TextSearchLanguage}) against the stored {@code tsvector},
 * ranked with {@code ts_rank_cd} (which reads only the article and the query, so other
 * tenants' articles cannot move a rank), at most {@link #MAX_RESULTS}. Every statement
 * names the tenant and runs in a transaction with the tenant on the connection, so
 * row-level security hides other tenants' rows as well.
 * <p>
 * Search answers are cached ({@value #SEARCH_CACHE}); the tenant-scoped cache of the
 * starter keys every entry by the current tenant, and every article change evicts the
 * tenant's entries ({@code allEntries}: per tenant under the tenant-scoped cache).
 */
@Service
@Transactional
public class KnowledgeBase {

	/** The cache of search answers. */
	public static final String SEARCH_CACHE = "helpdesk-search";

	/** The most hits a search answers. */
	public static final int MAX_RESULTS = 10;

	/** The longest query accepted. */
	public static final int MAX_QUERY_LENGTH = 200;

	/** How many words of a ticket make its suggestion query. */
	static final int SUGGESTION_WORDS = 32;

	private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]{2,40}");

	/**
	 * A hit's columns. The rank is widened to {@code float8} in SQL: read as a
	 * {@code real}, the driver gives its decimal text (0.7714286) until it switches a
	 * statement to binary transfer after a few executions, and then the float's exact
	 * value (0.7714285850524902), so the same hit would be answered two ways.
	 */
	private static final String HIT = "id::text as id, title, left(body, 240) as excerpt,"
			+ " ts_rank_cd(document, q)::float8 as rank";

	/** The current tenant's articles, as {@link #article} reads them. */
	private static final String TENANT_ARTICLES = "select id::text as id, title, body, language::text as language,"
			+ " updated_at from travel.helpdesk_article where tenant_id = :tenant";

	private final JdbcClient jdbc;

	private final TextSearchLanguage language;

	public KnowledgeBase(JdbcClient jdbc, TenantRegistry registry) {
		this.jdbc = jdbc;
		this.language = new TextSearchLanguage(registry);
	}

	/**
	 * Search the current tenant's articles.
	 * @param query the user's query in web search syntax (quotes, {@code or}, {@code -}),
	 * at most {@value #MAX_QUERY_LENGTH} characters
	 * @return the best matches
	 */
	@Cacheable(cacheNames = SEARCH_CACHE, key = "#query")
	@Transactional(readOnly = true)
	public SearchResult search(String query) {
		return new SearchResult(match(query, MAX_RESULTS));
	}

	/**
	 * Articles that may answer a ticket: any of its words (up to
	 * {@value #SUGGESTION_WORDS}), best first.
	 * @param text the ticket's subject and text
	 * @param limit how many at most
	 * @return the suggestions
	 */
	@Transactional(readOnly = true)
	public List<ArticleHit> suggest(String text, int limit) {
		Set<String> words = new LinkedHashSet<>();
		Matcher matcher = WORD.matcher((text != null) ? text : "");
		while (matcher.find() && words.size() < SUGGESTION_WORDS) {
			String word = matcher.group().toLowerCase(Locale.ROOT);
			// "or" is the operator itself
			if (!"or".equals(word)) {
				words.add(word);
			}
		}
		if (words.isEmpty()) {
			return List.of();
		}
		return match(String.join(" or ", words), Math.min(limit, MAX_RESULTS));
	}

	/** The current tenant's articles matching a web-search query, best first. */
	private List<ArticleHit> match(String query, int limit) {
		return this.jdbc
			.sql("select " + HIT + " from travel.helpdesk_article,"
					+ " websearch_to_tsquery(cast(:language as regconfig), :query) q"
					+ " where tenant_id = :tenant and document @@ q order by rank desc, id limit :limit")
			.param("language", this.language.current())
			.param("query", query)
			.param("tenant", TenantContext.require().value())
			.param("limit", limit)
			.query(KnowledgeBase::hit)
			.list();
	}

	/**
	 * The current tenant's articles by title.
	 * @param limit how many at most
	 * @return the articles
	 */
	@Transactional(readOnly = true)
	public List<Article> list(int limit) {
		return this.jdbc.sql(TENANT_ARTICLES + " order by title, id limit :limit")
			.param("tenant", TenantContext.require().value())
			.param("limit", limit)
			.query(KnowledgeBase::article)
			.list();
	}

	/**
	 * One of the current tenant's articles.
	 * @param id the article id
	 * @return the article, or empty
	 */
	@Transactional(readOnly = true)
	public Optional<Article> find(UUID id) {
		return this.jdbc.sql(TENANT_ARTICLES + " and id = :id")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.query(KnowledgeBase::article)
			.optional();
	}

	/**
	 * Add an article, indexed in the tenant's language.
	 * @param input the title and body
	 * @return the article
	 */
	@CacheEvict(cacheNames = SEARCH_CACHE, allEntries = true)
	public Article create(ArticleInput input) {
		UUID id = UUID.randomUUID();
		this.jdbc.sql("""
				insert into travel.helpdesk_article (tenant_id, id, title, body, language)
				values (:tenant, :id, :title, :body, cast(:language as regconfig))""")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.param("title", input.title())
			.param("body", input.body())
			.param("language", this.language.current())
			.update();
		return find(id).orElseThrow();
	}

	/**
	 * Replace an article's title and body (re-indexed in the tenant's current language).
	 * @param id the article id
	 * @param input the title and body
	 * @return the article, or empty when the tenant has none with that id
	 */
	@CacheEvict(cacheNames = SEARCH_CACHE, allEntries = true)
	public Optional<Article> update(UUID id, ArticleInput input) {
		int updated = this.jdbc.sql("""
				update travel.helpdesk_article set title = :title, body = :body,
				language = cast(:language as regconfig), updated_at = now()
				where tenant_id = :tenant and id = :id""")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.param("title", input.title())
			.param("body", input.body())
			.param("language", this.language.current())
			.update();
		return (updated == 1) ? find(id) : Optional.empty();
	}

	/**
	 * Delete an article (and its suggestions).
	 * @param id the article id
	 * @return whether the tenant had it
	 */
	@CacheEvict(cacheNames = SEARCH_CACHE, allEntries = true)
	public boolean delete(UUID id) {
		return this.jdbc.sql("delete from travel.helpdesk_article where tenant_id = :tenant and id = :id")
			.param("tenant", TenantContext.require().value())
			.param("id", id)
			.update() == 1;
	}

	private static ArticleHit hit(ResultSet rs, int row) throws SQLException {
		return new ArticleHit(rs.getString("id"), rs.getString("title"), rs.getString("excerpt"), rs.getDouble("rank"));
	}

	private static Article article(ResultSet rs, int row) throws SQLException {
		return new Article(rs.getString("id"), rs.getString("title"), rs.getString("body"), rs.getString("language"),
				rs.getObject("updated_at", OffsetDateTime.class).toInstant());
	}

	static Instant instant(ResultSet rs, String column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
