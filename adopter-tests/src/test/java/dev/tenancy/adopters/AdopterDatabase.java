package dev.tenancy.adopters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tenancy.test.Databases;
import dev.tenancy.test.Databases.ScratchDatabase;

/**
 * A database set up the way a team runs theirs: a database of its own, an owner role that
 * runs the migrations ({@code spring.flyway.user}) and a separate application role that
 * owns nothing, is no superuser and cannot bypass row-level security
 * ({@code spring.datasource.username}). Roles are cluster-wide, so their names are
 * unique; everything is dropped by {@link #close()}.
 *
 * @param scratch the database
 * @param url its JDBC URL without credentials
 * @param owner the owner role
 * @param app the application role
 * @param password both roles' password
 */
public record AdopterDatabase(ScratchDatabase scratch, String url, String owner, String app,
		String password) implements AutoCloseable {

	/**
	 * Create the database and both roles.
	 * @param prefix a short lower-case name for the roles
	 * @return the database
	 */
	public static AdopterDatabase create(String prefix) {
		ScratchDatabase scratch = Databases.scratch();
		String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
		String owner = prefix + "_owner_" + suffix;
		String app = prefix + "_app_" + suffix;
		String password = "pw-" + UUID.randomUUID();
		Databases.execute(scratch.jdbcUrl(), "create role " + owner + " login password '" + password + "'",
				"create role " + app + " login nosuperuser nobypassrls password '" + password + "'",
				"grant create on database " + scratch.name() + " to " + owner,
				"grant connect on database " + scratch.name() + " to " + app);
		return new AdopterDatabase(scratch, withoutCredentials(scratch.jdbcUrl()), owner, app, password);
	}

	/**
	 * Spring Boot properties for an application of this database: the app role in
	 * {@code spring.datasource.*}, the owner in {@code spring.flyway.*}, and the
	 * migrations of {@code location} into {@code schema}, with the app role as the
	 * placeholder {@code app-role}.
	 * @param location the application's migrations
	 * @param schema the application's schema
	 * @return the properties, as {@code key=value}
	 */
	public List<String> properties(String location, String schema) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", this.url);
		properties.put("spring.datasource.username", this.app);
		properties.put("spring.datasource.password", this.password);
		properties.put("spring.flyway.user", this.owner);
		properties.put("spring.flyway.password", this.password);
		properties.put("spring.flyway.locations", location);
		properties.put("spring.flyway.schemas", schema);
		properties.put("spring.flyway.placeholders.app-role", this.app);
		List<String> result = new ArrayList<>();
		properties.forEach((key, value) -> result.add(key + "=" + value));
		return result;
	}

	/**
	 * @return a URL for the owner role
	 */
	public String ownerUrl() {
		return Databases.asUser(this.url, this.owner, this.password);
	}

	/**
	 * @return a URL for the superuser of the test server (sees every row)
	 */
	public String superuserUrl() {
		return this.scratch.jdbcUrl();
	}

	@Override
	public void close() {
		this.scratch.close();
		Databases.execute(this.scratch.serverUrl(), "drop role if exists " + this.app,
				"drop role if exists " + this.owner);
	}

	/**
	 * The URL without {@code user} and {@code password}: credentials go in properties.
	 */
	private static String withoutCredentials(String jdbcUrl) {
		int query = jdbcUrl.indexOf('?');
		if (query < 0) {
			return jdbcUrl;
		}
		List<String> kept = new ArrayList<>();
		for (String pair : jdbcUrl.substring(query + 1).split("&")) {
			String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
			if (!pair.isEmpty() && !name.equals("user") && !name.equals("password")) {
				kept.add(pair);
			}
		}
		return jdbcUrl.substring(0, query) + (kept.isEmpty() ? "" : "?" + String.join("&", kept));
	}

}
