package dev.tenancy.registry.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tenant YAML files: the good file is read completely, and every hostile or malformed
 * file is reported invalid with a reason naming what is wrong, without stopping the
 * others.
 */
class TenantFileReaderTest {

	private static final String ACME = """
			id: acme
			displayName: "Acme Travel"
			status: ACTIVE
			config:
			  plan: standard
			  rateLimit:
			    limit: 1000
			    window: PT1M
			    burst: 1000
			    perUser: { limit: 100, window: PT1M }
			    costs: { helpdesk: 5 }
			  features: [trips, helpdesk]
			  emailDomains: [acme-travel.example]
			  locale: en-GB
			  attributes: { brandColour: "#0a5" }
			""";

	@TempDir
	Path dir;

	@Test
	void readsACompleteFile() throws IOException {
		Files.writeString(this.dir.resolve("acme.yaml"), ACME);
		List<TenantFile> files = TenantFileReader.readDirectory(this.dir);
		assertThat(files).singleElement().isInstanceOf(TenantFile.Valid.class);
		var tenant = ((TenantFile.Valid) files.get(0)).tenant();
		assertThat(tenant.id()).isEqualTo(TenantId.of("acme"));
		assertThat(tenant.displayName()).isEqualTo("Acme Travel");
		assertThat(tenant.status()).isEqualTo(TenantStatus.ACTIVE);
		assertThat(tenant.config().rateLimit().limit()).isEqualTo(1000);
		assertThat(tenant.config().rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(tenant.config().rateLimit().perUser().limit()).isEqualTo(100);
		assertThat(tenant.config().rateLimit().costs()).containsEntry("helpdesk", 5L);
		assertThat(tenant.config().features()).containsExactly("trips", "helpdesk");
		assertThat(tenant.config().attributes()).containsEntry("brandColour", "#0a5");
	}

	@Test
	void idAndStatusAreOptional() throws IOException {
		Files.writeString(this.dir.resolve("globex.yml"), "displayName: Globex\n");
		var tenant = ((TenantFile.Valid) TenantFileReader.readDirectory(this.dir).get(0)).tenant();
		assertThat(tenant.id().value()).isEqualTo("globex");
		assertThat(tenant.status()).isEqualTo(TenantStatus.ACTIVE);
	}

	@Test
	void invalidFilesAreReportedWithTheirReasonAndDoNotStopTheOthers() throws IOException {
		Files.writeString(this.dir.resolve("acme.yaml"), ACME);
		write("unknown-top.yaml", "displayName: X\nplan: gold\n");
		write("unknown-nested.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: 10, window: PT1M, burts: 3 }\n");
		write("wrong-type.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: \"ten\", window: PT1M }\n");
		write("number-as-text.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: \"10\", window: PT1M }\n");
		write("negative.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: -1, window: PT1M }\n");
		write("duplicate-key.yaml", "displayName: X\ndisplayName: Y\n");
		write("other-id.yaml", "id: globex\ndisplayName: X\n");
		write("no-name.yaml", "config: { plan: basic }\n");
		write("deleted.yaml", "displayName: X\nstatus: DELETED\n");
		write("bad-status.yaml", "displayName: X\nstatus: ON_HOLD\n");
		write("not-a-mapping.yaml", "- just\n- a list\n");
		write("broken.yaml", "displayName: [unclosed\n");
		write("Upper.yaml", "displayName: X\n");
		write("bad-locale.yaml", "displayName: X\nconfig: { locale: 'not a locale!' }\n");
		write("bad-domain.yaml", "displayName: X\nconfig: { emailDomains: ['ACME.example'] }\n");

		Map<String, String> reasons = new java.util.TreeMap<>();
		for (TenantFile file : TenantFileReader.readDirectory(this.dir)) {
			if (file instanceof TenantFile.Invalid invalid) {
				reasons.put(invalid.path().getFileName().toString(), invalid.reason());
			}
		}
		assertThat(reasons).doesNotContainKey("acme.yaml").hasSize(15);
		assertThat(reasons.get("unknown-top.yaml")).startsWith("plan").contains("unknown key");
		assertThat(reasons.get("unknown-nested.yaml")).startsWith("config.rateLimit.burts").contains("unknown key");
		assertThat(reasons.get("wrong-type.yaml"))
			.isEqualTo("config.rateLimit.limit: must be a whole number of requests of at least 1");
		assertThat(reasons.get("number-as-text.yaml")).startsWith("config.rateLimit.limit");
		assertThat(reasons.get("negative.yaml")).startsWith("config.rateLimit.limit").contains("at least 1");
		assertThat(reasons.get("duplicate-key.yaml")).containsIgnoringCase("duplicate");
		assertThat(reasons.get("other-id.yaml")).startsWith("id");
		assertThat(reasons.get("no-name.yaml")).startsWith("displayName");
		assertThat(reasons.get("deleted.yaml")).startsWith("status");
		assertThat(reasons.get("bad-status.yaml")).startsWith("status");
		assertThat(reasons.get("not-a-mapping.yaml")).contains("mapping");
		assertThat(reasons.get("broken.yaml")).contains("YAML");
		assertThat(reasons.get("Upper.yaml")).contains("file name");
		assertThat(reasons.get("bad-locale.yaml")).startsWith("config.locale");
		assertThat(reasons.get("bad-domain.yaml")).startsWith("config.emailDomains[0]");
	}

	@Test
	void filesGetTheSameMessagesAndDurationsInBothForms() throws IOException {
		write("minute.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: 10, window: 1m }\n");
		write("iso.yaml", "displayName: X\nconfig:\n  rateLimit: { limit: 10, window: PT1M }\n");
		write("several.yaml", "displayName: X\nconfig:\n  plann: gold\n  locale: english\n"
				+ "  rateLimit: { limit: 10, window: 60, burst: 5 }\n");
		List<TenantFile> files = TenantFileReader.readDirectory(this.dir);
		assertThat(files).filteredOn(TenantFile.Valid.class::isInstance).hasSize(2);
		assertThat(files).filteredOn(TenantFile.Invalid.class::isInstance)
			.singleElement()
			.satisfies((file) -> assertThat(((TenantFile.Invalid) file).reason()).isEqualTo(
					"config.plann: unknown key (expected plan, rateLimit, features, emailDomains, locale, attributes); "
							+ "config.rateLimit.window: must be " + dev.tenancy.registry.TenantConfigJson.DURATION_FORM
							+ "; config.rateLimit.burst: must be a whole number not less than the limit (the bucket's "
							+ "capacity; the limit when unset); config.locale: must be an IETF language tag such as en-GB"));
		// for a registry that must not start with a broken file
		dev.tenancy.registry.InvalidTenantConfigException ex = org.assertj.core.api.Assertions.catchThrowableOfType(
				dev.tenancy.registry.InvalidTenantConfigException.class, () -> TenantFileReader.requireValid(files));
		assertThat(ex.violations()).singleElement()
			.satisfies((violation) -> assertThat(violation.toString())
				.startsWith("several.yaml: config.plann: unknown key"));
	}

	@Test
	void oversizedFileIsRejectedBeforeParsing() throws IOException {
		write("huge.yaml", "displayName: X\n# " + "x".repeat(TenantFileReader.MAX_FILE_SIZE) + "\n");
		assertThat(TenantFileReader.readDirectory(this.dir)).singleElement()
			.isInstanceOfSatisfying(TenantFile.Invalid.class,
					(invalid) -> assertThat(invalid.reason()).contains("larger"));
	}

	@Test
	void aliasBombIsRejected() throws IOException {
		StringBuilder yaml = new StringBuilder("displayName: X\nconfig:\n  attributes:\n    a0: &a0 \"lol\"\n");
		yaml.append("l1: &l1 [*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0,*a0]\n");
		for (int i = 2; i <= 9; i++) {
			yaml.append("l").append(i).append(": &l").append(i).append(" [");
			for (int j = 0; j < 10; j++) {
				yaml.append(j == 0 ? "" : ",").append("*l").append(i - 1);
			}
			yaml.append("]\n");
		}
		write("bomb.yaml", yaml.toString());
		assertThat(TenantFileReader.readDirectory(this.dir)).singleElement().isInstanceOf(TenantFile.Invalid.class);
	}

	@Test
	void twoFilesForOneTenantAreBothInvalid() throws IOException {
		write("acme.yaml", "displayName: A\n");
		write("acme.yml", "displayName: B\n");
		assertThat(TenantFileReader.readDirectory(this.dir)).hasSize(2)
			.allSatisfy((file) -> assertThat(file).isInstanceOfSatisfying(TenantFile.Invalid.class,
					(invalid) -> assertThat(invalid.reason()).contains("same tenant")));
	}

	@Test
	void symbolicLinksAndOtherFilesAreNotFollowed() throws IOException {
		Path outside = Files.createTempFile("secret", ".yaml");
		Files.writeString(outside, "displayName: Outside\n");
		Files.createSymbolicLink(this.dir.resolve("linked.yaml"), outside);
		write("notes.txt", "not a tenant");
		Files.createDirectory(this.dir.resolve("sub.yaml"));
		List<TenantFile> files = TenantFileReader.readDirectory(this.dir);
		assertThat(files).extracting((file) -> file.path().getFileName().toString())
			.containsExactly("linked.yaml", "sub.yaml");
		assertThat(files).allSatisfy((file) -> assertThat(file).isInstanceOf(TenantFile.Invalid.class));
		Files.delete(outside);
	}

	@Test
	void aMissingDirectoryIsAnError() {
		assertThatIOException().isThrownBy(() -> TenantFileReader.readDirectory(this.dir.resolve("missing")));
	}

	@Test
	void classpathStyleInputIsValidatedTheSameWay() {
		List<TenantFile> files = TenantFileReader.readAll(Map.of("acme.yaml", ACME.getBytes(StandardCharsets.UTF_8),
				"bad.yaml", "displayName: X\nextra: 1\n".getBytes(StandardCharsets.UTF_8)));
		assertThat(files).extracting((file) -> file.getClass().getSimpleName()).containsExactly("Valid", "Invalid");
	}

	@Test
	void yamlSourceServesValidFilesAndSkipsInvalidOnes() throws IOException {
		Files.writeString(this.dir.resolve("acme.yaml"), ACME);
		write("broken.yaml", "displayName: [\n");
		YamlTenantSource source = new YamlTenantSource(this.dir);
		assertThat(source.find(TenantId.of("acme"))).isPresent();
		assertThat(source.find(TenantId.of("broken"))).isEmpty();
		assertThat(source.findAll()).hasSize(1);
		write("globex.yaml", "displayName: Globex\n");
		assertThat(source.find(TenantId.of("globex"))).isEmpty();
		source.reload();
		assertThat(source.find(TenantId.of("globex"))).isPresent();
	}

	private void write(String name, String content) throws IOException {
		Files.writeString(this.dir.resolve(name), content);
	}

}
