package dev.tenancy.configserver.security;

import dev.tenancy.configserver.ConfigServerProperties;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The local issuer's login page; the form posts back to the same address. */
@Controller
@ConditionalOnBooleanProperty(ConfigServerProperties.PREFIX + ".local-issuer.enabled")
final class LocalIssuerLoginController {

	@GetMapping(LocalIssuerConfiguration.LOGIN_PAGE)
	String loginPage() {
		return "issuer/login";
	}

}
