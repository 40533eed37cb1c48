package dev.tenancy.configserver.console;

import java.time.Duration;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The console's style sheet and script, from {@code console-assets/} on the class path.
 * Served by name here rather than by Boot's static resource handler, whose {@code /**}
 * ranks below the Config Server's {@code /{application}/{profile}/{label}}: an unmapped
 * {@code /console/...} path must never be read as an application called "console".
 */
@Controller
@ConditionalOnBooleanProperty(ConsoleProperties.PREFIX + ".enabled")
class ConsoleAssetsController {

	@GetMapping("/console/assets/{name:[a-z-]{1,40}}.css")
	ResponseEntity<ClassPathResource> css(@PathVariable String name) {
		return asset(name + ".css", MediaType.valueOf("text/css"));
	}

	@GetMapping("/console/assets/{name:[a-z-]{1,40}}.js")
	ResponseEntity<ClassPathResource> js(@PathVariable String name) {
		return asset(name + ".js", MediaType.valueOf("text/javascript"));
	}

	private static ResponseEntity<ClassPathResource> asset(String file, MediaType type) {
		ClassPathResource resource = new ClassPathResource("console-assets/" + file);
		if (!resource.exists()) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.ok()
			.contentType(type)
			.cacheControl(CacheControl.maxAge(Duration.ofMinutes(10)))
			.body(resource);
	}

}
