package com.example.startup;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small service as an adopter writes it: one controller behind the bearer-JWT resource server,
 * one query at start-up so that the pool really connects to PostgreSQL.
 */
@SpringBootApplication
public class StartupApp {

	public static void main(String[] args) {
		SpringApplication.run(StartupApp.class, args);
	}

	@Bean
	ApplicationRunner databaseCheck(JdbcClient jdbc) {
		return (args) -> jdbc.sql("select 1").query(Integer.class).single();
	}

	@RestController
	static class PingController {

		@GetMapping("/api/ping")
		String ping() {
			return "pong";
		}

	}

}
