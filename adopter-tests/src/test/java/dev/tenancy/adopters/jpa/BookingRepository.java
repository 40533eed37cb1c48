package dev.tenancy.adopters.jpa;

import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/**
 * Bookings, with no tenant predicate anywhere: row-level security supplies it.
 */
public interface BookingRepository extends JpaRepository<Booking, UUID> {

	@Transactional
	@Modifying
	@Query("update Booking b set b.description = :description where b.id = :id")
	int rename(UUID id, String description);

	@Transactional
	@Modifying
	@Query("delete from Booking b where b.id = :id")
	int remove(UUID id);

}
