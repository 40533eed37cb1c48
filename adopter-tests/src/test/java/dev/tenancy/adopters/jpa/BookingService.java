package dev.tenancy.adopters.jpa;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.tenancy.context.TenantContext;

/**
 * The application's service layer: {@code @Transactional}, entities changed in place.
 */
@Service
public class BookingService {

	private final BookingRepository bookings;

	BookingService(BookingRepository bookings) {
		this.bookings = bookings;
	}

	@Transactional
	public Booking book(String description) {
		return this.bookings.save(new Booking(TenantContext.require().toString(), description));
	}

	@Transactional(readOnly = true)
	public List<String> descriptions() {
		return this.bookings.findAll().stream().map(Booking::getDescription).sorted().toList();
	}

	@Transactional(readOnly = true)
	public Optional<String> description(UUID id) {
		return this.bookings.findById(id).map(Booking::getDescription);
	}

	/** Loads the entity and changes it: dirty checking writes it at commit. */
	@Transactional
	public boolean rename(UUID id, String description) {
		return this.bookings.findById(id).map((booking) -> {
			booking.setDescription(description);
			return true;
		}).orElse(false);
	}

	@Transactional
	public void cancel(UUID id) {
		this.bookings.deleteById(id);
	}

}
