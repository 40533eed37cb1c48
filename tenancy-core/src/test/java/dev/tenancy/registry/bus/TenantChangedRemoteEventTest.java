package dev.tenancy.registry.bus;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.cfg.ConstructorDetector;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.cloud.bus.event.PathDestinationFactory;
import org.springframework.cloud.bus.event.RemoteApplicationEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event survives the trip through JSON the way Spring Cloud Bus's converter makes it
 * (Jackson 3, explicit creators only, subtypes by simple name).
 */
class TenantChangedRemoteEventTest {

	private final JsonMapper mapper = busMapper();

	@Test
	void roundTripsThroughTheBusJson() {
		TenantChangedRemoteEvent sent = new TenantChangedRemoteEvent(this, "config-server:8888:abc",
				new PathDestinationFactory().getDestination(null), "acme", 7, 42, 1234);
		String json = this.mapper.writeValueAsString(sent);
		assertThat(json).contains("\"type\":\"TenantChangedRemoteEvent\"");

		RemoteApplicationEvent received = this.mapper.readValue(json, RemoteApplicationEvent.class);
		assertThat(received).isInstanceOfSatisfying(TenantChangedRemoteEvent.class, (event) -> {
			assertThat(event.getTenant()).isEqualTo("acme");
			assertThat(event.getVersion()).isEqualTo(7);
			assertThat(event.getCursor()).isEqualTo(42);
			assertThat(event.getPublishedAt()).isEqualTo(1234);
			assertThat(event.getOriginService()).isEqualTo("config-server:8888:abc");
			assertThat(event.getDestinationService()).isEqualTo("**");
		});
	}

	@Test
	void toStringEscapesWhateverTheTenantFieldHolds() {
		TenantChangedRemoteEvent forged = this.mapper.readValue(
				"{\"type\":\"TenantChangedRemoteEvent\",\"tenant\":\"x\\u001b[31m\",\"cursor\":1}",
				TenantChangedRemoteEvent.class);
		assertThat(forged.toString()).doesNotContain("\u001b");
	}

	private static JsonMapper busMapper() {
		JsonMapper mapper = JsonMapper.builder()
			.changeDefaultVisibility((visibility) -> visibility.withCreatorVisibility(JsonAutoDetect.Visibility.NONE)
				.withScalarConstructorVisibility(JsonAutoDetect.Visibility.NONE))
			.constructorDetector(ConstructorDetector.EXPLICIT_ONLY)
			.build();
		return mapper.rebuild().registerSubtypes(TenantChangedRemoteEvent.class).build();
	}

}
