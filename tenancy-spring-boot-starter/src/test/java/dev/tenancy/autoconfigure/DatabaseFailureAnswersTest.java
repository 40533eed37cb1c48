package dev.tenancy.autoconfigure;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.connector.ClientAbortException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

import dev.tenancy.autoconfigure.webapp.TestApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.jwt;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/**
 * What a request is answered when the database fails under it, and that a socket error of
 * the database is never taken for the HTTP client hanging up.
 * <p>
 * Spring MVC's {@code DefaultHandlerExceptionResolver} answers an exception whose
 * innermost message is "Broken pipe" (or with an {@code EOFException} in its chain) with
 * nothing at all: 200 and an empty body. That is how writes that were never stored were
 * acknowledged when the database went away; these endpoints throw exactly what the JDBC
 * stack throws then.
 */
@SpringBootTest(classes = { TestApplication.class, DatabaseFailureAnswersTest.Failures.class },
		properties = "tenancy.tenants.acme.display-name=Acme Travel")
@AutoConfigureMockMvc
@ExtendWith(OutputCaptureExtension.class)
class DatabaseFailureAnswersTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	private MockMvc mvc;

	@Test
	void deadPooledConnectionAtTransactionBeginIs503NotAnEmpty200() throws Exception {
		MvcResult result = call("/db/begin-broken-pipe");
		assertDatabaseUnavailable(result);
		assertThat(result.getResponse().getContentAsString()).doesNotContain("Broken", "I/O", "JDBC");
	}

	@Test
	void poolTimeoutIs503() throws Exception {
		assertDatabaseUnavailable(call("/db/pool-timeout"));
	}

	@Test
	void serverShuttingDownDuringAStatementIs503() throws Exception {
		assertDatabaseUnavailable(call("/db/admin-shutdown"));
	}

	@Test
	void failedRollbackAfterALostConnectionIs503() throws Exception {
		assertDatabaseUnavailable(call("/db/rollback-failed"));
	}

	@Test
	void failedRollbackAfterAFailedCommitIs503() throws Exception {
		assertDatabaseUnavailable(call("/db/commit-then-rollback-failed"));
	}

	@Test
	void failureOutsideTheHandlerIs503Too() throws Exception {
		assertDatabaseUnavailable(call("/db/filter-broken-pipe"));
	}

	@Test
	void otherDataAccessFailuresStayInternalErrors() throws Exception {
		MvcResult result = call("/db/constraint");
		assertThat(result.getResponse().getStatus()).isEqualTo(500);
		assertThat(json(result)).containsEntry("code", "internal_error");
	}

	@Test
	void endOfFileOrResetOfAnotherSocketIsAnInternalErrorNotAnEmpty200(CapturedOutput output) throws Exception {
		for (String path : new String[] { "/db/other-eof", "/db/other-reset" }) {
			MvcResult result = call(path);
			assertThat(result.getResponse().getStatus()).as(path).isEqualTo(500);
			assertThat(json(result)).as(path).containsEntry("code", "internal_error");
		}
		assertThat(output.getAll()).contains("Unhandled exception");
	}

	@Test
	void aGenuineClientDisconnectIsStillOne(CapturedOutput output) throws Exception {
		MvcResult result = call("/db/client-abort");
		// Nobody is there to read an answer: Spring MVC writes none and logs no error.
		assertThat(result.getResponse().getContentAsString()).isEmpty();
		assertThat(output.getAll()).doesNotContain("Unhandled exception");
	}

	private MvcResult call(String path) throws Exception {
		return this.mvc.perform(get(path).with(jwt().jwt((jwt) -> jwt.claim("tenant_id", "acme")))).andReturn();
	}

	private static void assertDatabaseUnavailable(MvcResult result) throws Exception {
		assertThat(result.getResponse().getStatus()).isEqualTo(503);
		assertThat(result.getResponse().getContentType()).startsWith("application/problem+json");
		assertThat(result.getResponse().getHeader("Retry-After")).isEqualTo("5");
		assertThat(json(result)).containsEntry("code", "database_unavailable")
			.containsEntry("status", 503)
			.containsEntry("type", "urn:problem-type:tenancy:database_unavailable")
			.doesNotContainKey("correlationId");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(MvcResult result) throws Exception {
		return JSON.readValue(result.getResponse().getContentAsByteArray(), Map.class);
	}

	private static SQLException brokenPipe() {
		return new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new SocketException("Broken pipe"));
	}

	@Configuration(proxyBeanMethods = false)
	static class Failures {

		@Bean
		FailingController failingController() {
			return new FailingController();
		}

		@Bean
		FilterRegistrationBean<OncePerRequestFilter> databaseFailingFilter() {
			FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
					new OncePerRequestFilter() {
						@Override
						protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
								FilterChain chain) throws ServletException, IOException {
							throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction",
									brokenPipe());
						}
					});
			registration.addUrlPatterns("/db/filter-broken-pipe");
			registration.setOrder(0);
			return registration;
		}

	}

	@RestController
	static class FailingController {

		@GetMapping("/db/begin-broken-pipe")
		String beginBrokenPipe() {
			throw new CannotCreateTransactionException("Could not open JDBC Connection for transaction", brokenPipe());
		}

		@GetMapping("/db/pool-timeout")
		String poolTimeout() {
			throw new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection",
					new SQLTransientConnectionException(
							"HikariPool-1 - Connection is not available, request timed out after 1000ms."));
		}

		@GetMapping("/db/admin-shutdown")
		String adminShutdown() {
			throw new DataAccessResourceFailureException("PreparedStatementCallback; SQL [insert ...]",
					new SQLException("FATAL: terminating connection due to administrator command", "57P01"));
		}

		@GetMapping("/db/rollback-failed")
		String rollbackFailed() {
			TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
					new SQLException("Connection is closed"));
			rollback.initApplicationException(new DataAccessResourceFailureException("JDBC commit", brokenPipe()));
			throw rollback;
		}

		@GetMapping("/db/commit-then-rollback-failed")
		String commitThenRollbackFailed() {
			// What the transaction manager throws when the rollback after a failed commit
			// fails on
			// the connection the pool has closed meanwhile: the commit's exception is
			// only logged.
			throw new TransactionSystemException("JDBC rollback failed", new SQLException("Connection is closed"));
		}

		@GetMapping("/db/constraint")
		String constraint() {
			throw new DataIntegrityViolationException("insert violates a check constraint",
					new SQLException("new row violates check constraint", "23514"));
		}

		@GetMapping("/db/other-eof")
		String otherEof() {
			throw new IllegalStateException("reading a remote answer failed", new EOFException());
		}

		@GetMapping("/db/other-reset")
		String otherReset() {
			throw new IllegalStateException("calling a partner failed",
					new SocketException("Connection reset by peer"));
		}

		@GetMapping("/db/client-abort")
		String clientAbort() throws IOException {
			throw new ClientAbortException(new SocketException("Broken pipe"));
		}

	}

}
