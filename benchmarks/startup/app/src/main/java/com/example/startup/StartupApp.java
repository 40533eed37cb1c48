package com.example.startup;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small service as an adopter writes it: one controller behind the bearer-JWT resource server,
 * one query at start-up so that the pool really connects to PostgreSQL. The query runs before the
 * web server starts (like a schema check or a migration would), so that it counts in both apps'
 * start-up, with or without the starter's own start-up queries.
 */
@SpringBootApplication
public class StartupApp {

	public static void main(String[] args) {
		SpringApplication.run(StartupApp.class, args);
	}

	@Bean
	SmartInitializingSingleton databaseCheck(JdbcClient jdbc) {
		return () -> jdbc.sql("select 1").query(Integer.class).single();
	}

	@RestController
	static class PingController {

		@GetMapping("/api/ping")
		String ping() {
			return "pong";
		}

	}

}
