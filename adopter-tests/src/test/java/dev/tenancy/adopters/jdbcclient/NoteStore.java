package dev.tenancy.adopters.jdbcclient;

import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Notes through {@code JdbcClient}, each call in a {@code TransactionTemplate}; no tenant
 * predicate.
 */
@Component
public class NoteStore {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	NoteStore(JdbcClient jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.transactions = new TransactionTemplate(transactionManager);
	}

	public long add(String body) {
		return this.transactions
			.execute((status) -> this.jdbc.sql("insert into notes.note (body) values (:body) returning id")
				.param("body", body)
				.query(Long.class)
				.single());
	}

	public long addFor(String tenant, String body) {
		return this.transactions.execute((status) -> this.jdbc
			.sql("insert into notes.note (tenant_id, body) values (:tenant, :body) returning id")
			.param("tenant", tenant)
			.param("body", body)
			.query(Long.class)
			.single());
	}

	public List<String> bodies() {
		return this.transactions
			.execute((status) -> this.jdbc.sql("select body from notes.note order by id").query(String.class).list());
	}

	public int update(long id, String body) {
		return this.transactions.execute((status) -> this.jdbc.sql("update notes.note set body = :body where id = :id")
			.param("body", body)
			.param("id", id)
			.update());
	}

	public int delete(long id) {
		return this.transactions
			.execute((status) -> this.jdbc.sql("delete from notes.note where id = :id").param("id", id).update());
	}

}
