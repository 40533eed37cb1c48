package dev.tenancy.adopters.datajdbc;

import java.util.UUID;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Invoices, with no tenant predicate anywhere: row-level security supplies it.
 */
public interface InvoiceRepository extends ListCrudRepository<Invoice, UUID> {

	@Transactional
	@Modifying
	@Query("delete from billing.invoice where id = :id")
	int remove(UUID id);

}
