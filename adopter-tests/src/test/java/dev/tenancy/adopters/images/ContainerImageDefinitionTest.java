package dev.tenancy.adopters.images;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import dev.tenancy.adopters.AdopterDatabase;
import dev.tenancy.test.Databases;
import dev.tenancy.test.TestServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The container images (config-server/Dockerfile, sample-app/Dockerfile), compose.yaml
 * and .dockerignore, checked without a container engine: the rules are read from the
 * files, and the layered extraction and ENTRYPOINT of each Dockerfile are run on the real
 * packaged jar, as the image would run them. This module builds after config-server and
 * sample-app in the reactor, so their executable jars exist when {@code ./mvnw verify}
 * gets here.
 */
class ContainerImageDefinitionTest {

	private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

	private static final List<String> LAYER_ORDER = List.of("dependencies", "spring-boot-loader",
			"snapshot-dependencies", "application");

	private static final Map<String, String> MANAGEMENT_PORT = Map.of("config-server", "8889", "sample-app", "8081");

	@ParameterizedTest
	@ValueSource(strings = { "config-server", "sample-app" })
	void finalStageRunsAsAFixedNonRootUserWithoutShellOrPackageTools(String app) throws IOException {
		Dockerfile dockerfile = Dockerfile.of(app);
		assertThat(dockerfile.stages()).as("multi-stage").hasSizeGreaterThanOrEqualTo(2);
		List<Instruction> last = dockerfile.finalStage();
		assertThat(last.get(0).arguments()).as("no shell in the final stage's base").startsWith("gcr.io/distroless/");
		List<String> users = arguments(last, "USER");
		assertThat(users).as("one USER in the final stage").hasSize(1);
		Matcher user = Pattern.compile("(\\d+):(\\d+)").matcher(users.get(0));
		assertThat(user.matches()).as("numeric uid:gid, not a name: " + users.get(0)).isTrue();
		assertThat(Integer.parseInt(user.group(1))).as("uid").isNotZero();
		assertThat(Integer.parseInt(user.group(2))).as("gid").isNotZero();
		assertThat(indexOf(last, "USER")).as("USER before ENTRYPOINT").isLessThan(indexOf(last, "ENTRYPOINT"));
		assertThat(arguments(last, "RUN")).as("nothing installed or run in the final stage").isEmpty();
		for (Instruction instruction : last) {
			assertThat(instruction.arguments())
				.doesNotContainPattern("\\b(apt|apt-get|apk|dnf|yum|microdnf|curl|wget|/bin/sh|bash)\\b");
		}
		for (List<Instruction> stage : dockerfile.stages()) {
			String base = stage.get(0).arguments();
			assertThat(base).as("base image pinned, never latest").contains(":").doesNotContain(":latest");
		}
		assertThat(dockerfile.stages().get(0).get(0).arguments()).as("build JDK pinned to a patch release")
			.containsPattern(":\\d+\\.\\d+\\.\\d+_\\d+-jdk");
	}

	@ParameterizedTest
	@ValueSource(strings = { "config-server", "sample-app" })
	void layersAreCopiedLeastChangedFirstAndTheJvmIsContainerAware(String app) throws IOException {
		Dockerfile dockerfile = Dockerfile.of(app);
		assertThat(dockerfile.extraction()).contains("-Djarmode=tools", "extract", "--layers", "--launcher",
				"--destination");
		assertThat(dockerfile.layerCopies()).containsExactlyElementsOf(LAYER_ORDER);
		List<String> entrypoint = dockerfile.entrypoint();
		assertThat(entrypoint).contains("-XX:+ExitOnOutOfMemoryError", "-Djava.io.tmpdir=/tmp")
			.anyMatch((argument) -> argument.startsWith("-XX:MaxRAMPercentage="))
			.endsWith("org.springframework.boot.loader.launch.JarLauncher");
		assertThat(dockerfile.healthcheck()).as("health check on the management port")
			.anyMatch((argument) -> argument
				.startsWith("http://127.0.0.1:" + MANAGEMENT_PORT.get(app) + "/actuator/health"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void composeRunsBothAppsReadOnlyAsNonRootWithHealthChecksAndTheTwoDatabaseRoles() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("compose.yaml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services).containsKeys("postgres", "redis", "config-server", "sample-app");
		assertThat((String) services.get("postgres").get("image")).startsWith("postgres:15");
		assertThat((String) services.get("redis").get("image")).startsWith("redis:7");
		for (Map<String, Object> service : services.values()) {
			assertThat(service).as("every service has a health check").containsKey("healthcheck");
		}
		for (String app : List.of("config-server", "sample-app")) {
			Map<String, Object> service = services.get(app);
			assertThat(service.get("read_only")).as(app + " read-only root").isEqualTo(true);
			assertThat((List<String>) service.get("tmpfs")).anyMatch((mount) -> mount.startsWith("/tmp"));
			assertThat(service.get("user")).as(app + " runs as the image's user")
				.isEqualTo(arguments(Dockerfile.of(app).finalStage(), "USER").get(0));
			Map<String, Object> healthcheck = (Map<String, Object>) service.get("healthcheck");
			List<String> imageCheck = new ArrayList<>(List.of("CMD"));
			imageCheck.addAll(Dockerfile.of(app).healthcheck());
			assertThat((List<String>) healthcheck.get("test")).as(app + ": the image's own HEALTHCHECK")
				.isEqualTo(imageCheck);
			Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service.get("depends_on");
			assertThat(dependsOn.values())
				.allMatch((condition) -> "service_healthy".equals(condition.get("condition")));
		}
		Map<String, String> sample = (Map<String, String>) services.get("sample-app").get("environment");
		String appRole = sample.get("SPRING_DATASOURCE_USERNAME");
		String ownerRole = sample.get("SPRING_FLYWAY_USER");
		assertThat(appRole).as("the app does not connect as the owner").isNotEqualTo(ownerRole);
		String init = Files.readString(ROOT.resolve("deploy/postgres/init/10-roles.sql"));
		assertThat(init).containsPattern("create role " + ownerRole + " login")
			.containsPattern("create role " + appRole + " login nosuperuser[^;]*nobypassrls")
			.contains("create database travel owner " + ownerRole)
			.contains("grant connect on database travel to " + appRole);
		assertThat(sample.get("SPRING_DATASOURCE_URL")).endsWith("/travel");
		List<String> volumes = (List<String>) services.get("postgres").get("volumes");
		assertThat(volumes).contains("./deploy/postgres/init:/docker-entrypoint-initdb.d:ro");
	}

	@Test
	void dockerignoreLetsInOnlyTheJarsAndTheProbeAndNeverASecret() throws IOException {
		List<String> lines = Files.readAllLines(ROOT.resolve(".dockerignore"))
			.stream()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		assertThat(lines.get(0)).as("everything excluded first").isEqualTo("**");
		assertThat(lines.stream().filter((line) -> line.startsWith("!"))).containsExactlyInAnyOrder(
				"!config-server/target/config-server.jar", "!sample-app/target/sample-app.jar",
				"!deploy/docker/HealthProbe.java");
		int lastAllow = lines
			.lastIndexOf(lines.stream().filter((line) -> line.startsWith("!")).reduce((a, b) -> b).get());
		assertThat(lines.subList(lastAllow, lines.size())).as("secrets excluded after every allow rule")
			.contains("**/*.pem", "**/*.key", "**/.env", "**/.tenancy-sample");
	}

	/**
	 * Both images as they would run: each Dockerfile's extraction on the packaged jar,
	 * its layers copied in its COPY order into one read-only directory, its ENTRYPOINT
	 * started there (java.io.tmpdir and user.home on a directory of their own, as the
	 * image's tmpfs), against one database with compose's two roles, and its HEALTHCHECK
	 * command run against it.
	 */
	@Test
	void extractedLayersStartAsTheEntrypointDoesAndPassTheHealthCheck(@TempDir Path temp) throws Exception {
		Path probe = compileProbe(temp.resolve("probe"));
		try (AdopterDatabase database = AdopterDatabase.create("images")) {
			// As deploy/postgres/init/10-roles.sql: the owner role owns the database (and
			// so
			// PostgreSQL 15's public schema, where the config server's Flyway keeps its
			// history).
			Databases.execute(database.superuserUrl(),
					"alter database " + database.scratch().name() + " owner to " + database.owner());
			Map<String, String> configServerEnv = new LinkedHashMap<>();
			configServerEnv.put("SPRING_PROFILES_ACTIVE", "local");
			configServerEnv.put("SPRING_DATASOURCE_URL", database.url());
			configServerEnv.put("SPRING_DATASOURCE_USERNAME", database.owner());
			configServerEnv.put("SPRING_DATASOURCE_PASSWORD", database.password());
			Map<String, String> sampleEnv = new LinkedHashMap<>();
			sampleEnv.put("SPRING_PROFILES_ACTIVE", "local");
			sampleEnv.put("SPRING_DATASOURCE_URL", database.url());
			sampleEnv.put("SPRING_DATASOURCE_USERNAME", database.app());
			sampleEnv.put("SPRING_DATASOURCE_PASSWORD", database.password());
			sampleEnv.put("SPRING_FLYWAY_USER", database.owner());
			sampleEnv.put("SPRING_FLYWAY_PASSWORD", database.password());
			sampleEnv.put("TENANCY_RATE_LIMIT_REDIS_URL", TestServices.redisUrl());
			try (Container configServer = Container.start("config-server", temp, configServerEnv, probe)) {
				configServer.assertHealthy();
				try (Container sample = Container.start("sample-app", temp, sampleEnv, probe)) {
					sample.assertHealthy();
					sample.assertWroteOnlyToTmp();
				}
				configServer.assertWroteOnlyToTmp();
			}
		}
	}

	private static Path compileProbe(Path directory) throws IOException {
		Files.createDirectories(directory);
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		int result = compiler.run(null, null, null, "-d", directory.toString(),
				ROOT.resolve("deploy/docker/HealthProbe.java").toString());
		assertThat(result).as("HealthProbe compiles").isZero();
		return directory;
	}

	private static List<String> arguments(List<Instruction> stage, String keyword) {
		return stage.stream().filter((i) -> i.keyword().equals(keyword)).map(Instruction::arguments).toList();
	}

	private static int indexOf(List<Instruction> stage, String keyword) {
		for (int i = 0; i < stage.size(); i++) {
			if (stage.get(i).keyword().equals(keyword)) {
				return i;
			}
		}
		return fail("no " + keyword);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	record Instruction(String keyword, String arguments) {
	}

	/**
	 * A Dockerfile's instructions, by stage (continuation lines joined, comments
	 * dropped).
	 */
	record Dockerfile(String app, List<List<Instruction>> stages) {

		static Dockerfile of(String app) throws IOException {
			List<List<Instruction>> stages = new ArrayList<>();
			StringBuilder pending = new StringBuilder();
			for (String line : Files.readAllLines(ROOT.resolve(app).resolve("Dockerfile"))) {
				String stripped = line.strip();
				if (stripped.startsWith("#") || (stripped.isEmpty() && pending.isEmpty())) {
					continue;
				}
				if (stripped.endsWith("\\")) {
					pending.append(stripped, 0, stripped.length() - 1).append(' ');
					continue;
				}
				pending.append(stripped);
				String text = pending.toString().strip();
				pending.setLength(0);
				int space = text.indexOf(' ');
				Instruction instruction = new Instruction(text.substring(0, space).toUpperCase(),
						text.substring(space + 1).strip());
				if (instruction.keyword().equals("FROM")) {
					stages.add(new ArrayList<>());
				}
				assertThat(stages).as("instruction before the first FROM: " + text).isNotEmpty();
				stages.get(stages.size() - 1).add(instruction);
			}
			return new Dockerfile(app, stages);
		}

		List<Instruction> finalStage() {
			return this.stages.get(this.stages.size() - 1);
		}

		String extraction() {
			return this.stages.get(0)
				.stream()
				.filter((i) -> i.keyword().equals("RUN") && i.arguments().contains("-Djarmode=tools"))
				.map(Instruction::arguments)
				.findFirst()
				.orElseGet(() -> fail("no layer extraction in the build stage"));
		}

		List<String> layerCopies() {
			List<String> layers = new ArrayList<>();
			Pattern copy = Pattern.compile("--from=\\S+ \\S+/extracted/([a-z-]+)/ \\./");
			for (String arguments : arguments(finalStage(), "COPY")) {
				Matcher matcher = copy.matcher(arguments);
				if (matcher.matches()) {
					layers.add(matcher.group(1));
				}
			}
			return layers;
		}

		List<String> entrypoint() {
			return execForm(arguments(finalStage(), "ENTRYPOINT").get(0));
		}

		List<String> healthcheck() {
			String arguments = arguments(finalStage(), "HEALTHCHECK").get(0);
			int cmd = arguments.indexOf("CMD [");
			assertThat(cmd).as("HEALTHCHECK in exec form (no shell)").isNotNegative();
			return execForm(arguments.substring(cmd + 4));
		}

		private static List<String> execForm(String json) {
			return List.of(JsonMapper.builder().build().readValue(json, String[].class));
		}

	}

	/**
	 * One image run from its extracted layers: working directory = the merged layers
	 * (made read-only), /tmp = a directory of its own.
	 */
	static final class Container implements AutoCloseable {

		private final String app;

		private final Path directory;

		private final Path tmp;

		private final Path log;

		private final Set<String> filesBefore;

		private final List<String> healthcheck;

		private final Process process;

		private Container(String app, Path directory, Path tmp, Path log, Set<String> filesBefore,
				List<String> healthcheck, Process process) {
			this.app = app;
			this.directory = directory;
			this.tmp = tmp;
			this.log = log;
			this.filesBefore = filesBefore;
			this.healthcheck = healthcheck;
			this.process = process;
		}

		static Container start(String app, Path temp, Map<String, String> env, Path probe) throws Exception {
			Dockerfile dockerfile = Dockerfile.of(app);
			Path jar = ROOT.resolve(app).resolve("target").resolve(app + ".jar");
			if (!Files.isRegularFile(jar)) {
				fail("The executable jar " + jar + " is missing: package it first (./mvnw verify builds it before "
						+ "this module's tests; or ./mvnw -B -q -Dmaven.test.skip=true package -pl " + app + " -am)");
			}
			Path build = Files.createDirectories(temp.resolve(app + "-build"));
			Files.copy(jar, build.resolve("app.jar"));
			// The build stage's RUN, verbatim but for the java executable.
			List<String> extract = new ArrayList<>(List.of(dockerfile.extraction().split("\\s+")));
			assertThat(extract.get(0)).isEqualTo("java");
			extract.set(0, java());
			Process extraction = new ProcessBuilder(extract).directory(build.toFile())
				.redirectErrorStream(true)
				.redirectOutput(build.resolve("extract.log").toFile())
				.start();
			assertThat(extraction.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(extraction.exitValue()).as(Files.readString(build.resolve("extract.log"))).isZero();
			Path extracted = build.resolve(extract.get(extract.indexOf("--destination") + 1));
			assertThat(extracted.resolve("application")).isDirectory();
			// The final stage's COPY instructions, in their order, into one directory.
			Path directory = Files.createDirectories(temp.resolve(app + "-application"));
			for (String layer : dockerfile.layerCopies()) {
				copyTree(extracted.resolve(layer), directory);
			}
			makeReadOnly(directory);
			Set<String> before = listing(directory);
			Path tmp = Files.createDirectories(temp.resolve(app + "-tmp"));
			int port = freePort();
			int managementPort = freePort();
			List<String> command = new ArrayList<>();
			for (String argument : dockerfile.entrypoint()) {
				command.add(argument.equals("/usr/bin/java") ? java() : argument.replace("=/tmp", "=" + tmp));
			}
			ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
			builder.environment().putAll(env);
			builder.environment().put("SERVER_PORT", String.valueOf(port));
			builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
			builder.environment().put("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort));
			builder.environment().put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
			Path log = Path.of("target", "images-" + app + ".log").toAbsolutePath();
			Process process = builder.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
				.start();
			List<String> healthcheck = new ArrayList<>();
			for (String argument : dockerfile.healthcheck()) {
				if (argument.equals("/usr/bin/java")) {
					healthcheck.add(java());
				}
				else if (argument.equals("/opt/healthcheck")) {
					healthcheck.add(probe.toString());
				}
				else {
					healthcheck.add(argument.replace(":" + MANAGEMENT_PORT.get(app) + "/", ":" + managementPort + "/"));
				}
			}
			return new Container(app, directory, tmp, log, before, healthcheck, process);
		}

		void assertHealthy() throws Exception {
			long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
			while (System.nanoTime() < deadline) {
				if (!this.process.isAlive()) {
					fail(this.app + " exited with " + this.process.exitValue() + "; see " + this.log);
				}
				Process check = new ProcessBuilder(this.healthcheck).redirectErrorStream(true)
					.redirectOutput(ProcessBuilder.Redirect.DISCARD)
					.start();
				assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
				if (check.exitValue() == 0) {
					return;
				}
				Thread.sleep(500);
			}
			fail(this.app + " never passed its HEALTHCHECK " + this.healthcheck + "; see " + this.log);
		}

		void assertWroteOnlyToTmp() throws IOException {
			assertThat(listing(this.directory)).as(this.app + " wrote nothing into its read-only directory")
				.isEqualTo(this.filesBefore);
			try (Stream<Path> files = Files.list(this.tmp)) {
				assertThat(files.map((file) -> file.getFileName().toString()))
					.as("Tomcat's base directory under java.io.tmpdir")
					.anyMatch((name) -> name.startsWith("tomcat"));
			}
		}

		@Override
		public void close() throws Exception {
			this.process.destroy();
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			makeWritable(this.directory);
		}

		private static void copyTree(Path from, Path to) throws IOException {
			try (Stream<Path> paths = Files.walk(from)) {
				for (Path source : paths.toList()) {
					Path target = to.resolve(from.relativize(source).toString());
					if (Files.isDirectory(source)) {
						Files.createDirectories(target);
					}
					else {
						Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
					}
				}
			}
		}

		private static Set<String> listing(Path directory) throws IOException {
			try (Stream<Path> paths = Files.walk(directory)) {
				return paths.map((path) -> directory.relativize(path).toString())
					.collect(TreeSet::new, Set::add, Set::addAll);
			}
		}

		// As the image's files are root's and the app's user is not: effective when the
		// tests
		// do not run as root; the listing comparison holds either way.
		private static void makeReadOnly(Path directory) throws IOException {
			try (Stream<Path> paths = Files.walk(directory)) {
				paths.forEach((path) -> path.toFile().setWritable(false, false));
			}
		}

		private static void makeWritable(Path directory) throws IOException {
			try (Stream<Path> paths = Files.walk(directory)) {
				paths.forEach((path) -> path.toFile().setWritable(true, true));
			}
		}

	}

}
