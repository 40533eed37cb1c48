package dev.tenancy.configserver.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Applies changed client credentials without a restart: when the configuration is
 * refreshed (Spring Cloud's {@link EnvironmentChangeEvent}, raised by
 * {@code /actuator/refresh} or a bus refresh) and a key under
 * {@code tenancy.config-server.clients} changed, the clients are bound again, validated,
 * and every remembered basic credential is forgotten, so a changed password takes effect
 * at once. Invalid new clients are refused (logged) and the old ones stay.
 */
final class ClientsRefresher implements ApplicationListener<EnvironmentChangeEvent> {

	private static final Logger logger = LoggerFactory.getLogger(ClientsRefresher.class);

	private static final String CLIENTS_PREFIX = ConfigServerProperties.PREFIX + ".clients";

	private final Environment environment;

	private final ConfigClientUserDetailsService clients;

	private final RememberingBasicAuthenticationProvider remembered;

	ClientsRefresher(Environment environment, ConfigClientUserDetailsService clients,
			RememberingBasicAuthenticationProvider remembered) {
		this.environment = environment;
		this.clients = clients;
		this.remembered = remembered;
	}

	@Override
	public void onApplicationEvent(EnvironmentChangeEvent event) {
		if (event.getKeys().stream().noneMatch((key) -> key.startsWith(CLIENTS_PREFIX))) {
			return;
		}
		ConfigServerProperties properties = Binder.get(this.environment)
			.bindOrCreate(ConfigServerProperties.PREFIX, ConfigServerProperties.class);
		try {
			this.clients.reload(properties);
		}
		catch (ClientCredentialsException ex) {
			logger.error("Changed config server clients refused, the previous ones stay: {}", ex.getMessage());
			return;
		}
		this.remembered.forgetAll();
		logger.info("Config server clients reloaded: {} client(s)", this.clients.clientNames().size());
	}

}
