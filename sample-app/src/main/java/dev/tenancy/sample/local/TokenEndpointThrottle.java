package dev.tenancy.sample.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.tenancy.TenancyError;
import dev.tenancy.ratelimit.FailedAttemptThrottle;

/**
 * Throttles wrong client credentials at the local authorization server, per client id and
 * per source address, with the starter's {@link FailedAttemptThrottle} (counted in Redis,
 * shared by every instance).
 * <p>
 * {@link #filter()} runs before the server authenticates the client: a client id or
 * address that has failed too often in the window gets 429 {@code rate_limited} with
 * {@code Retry-After} whatever its secret, so a guess made while throttled says nothing
 * about whether it was right. {@link #failureHandler()} is told of every failed client
 * authentication (unknown client, wrong secret, malformed credentials): it counts the
 * failure, answers the one that passes a limit with 429 too, and otherwise answers as the
 * server's own handler does (401 {@code invalid_client}). Successful authentications
 * count nothing.
 * <p>
 * The client id is taken from the request as the server reads it (HTTP Basic, else the
 * {@code client_id} parameter) and only ever hashed into a key. The source address is
 * {@link HttpServletRequest#getRemoteAddr()}: behind a proxy, configure Spring Boot's
 * forwarded header handling ({@code server.forward-headers-strategy}), or every caller
 * shares the proxy's address.
 */
final class TokenEndpointThrottle {

	/** The scope of the token endpoint's buckets in keys. */
	static final String SCOPE = "oauth2";

	private static final Logger logger = LoggerFactory.getLogger(TokenEndpointThrottle.class);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String BASIC = "basic ";

	private final FailedAttemptThrottle throttle;

	private final OAuth2ErrorHttpMessageConverter errors = new OAuth2ErrorHttpMessageConverter();

	TokenEndpointThrottle(FailedAttemptThrottle throttle) {
		this.throttle = throttle;
	}

	/**
	 * The filter that refuses throttled callers before client authentication.
	 * @return the filter
	 */
	OncePerRequestFilter filter() {
		return new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				String client = clientId(request);
				if (client == null && !hasClientCredentials(request)) {
					chain.doFilter(request, response);
					return;
				}
				FailedAttemptThrottle.Verdict verdict = TokenEndpointThrottle.this.throttle.check(client,
						request.getRemoteAddr());
				if (verdict.throttled()) {
					tooMany(response, verdict);
					return;
				}
				chain.doFilter(request, response);
			}

		};
	}

	/**
	 * The handler of failed client authentications.
	 * @return the handler
	 */
	AuthenticationFailureHandler failureHandler() {
		return (request, response, exception) -> failed(request, response, exception);
	}

	private void failed(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
			throws IOException, ServletException {
		String address = request.getRemoteAddr();
		FailedAttemptThrottle.Verdict verdict = this.throttle.failed(clientId(request), address);
		if (verdict.throttled()) {
			logger.debug("Failed client authentication from {} answered 429: too many", address);
			tooMany(response, verdict);
			return;
		}
		answer(response, exception);
	}

	/**
	 * What the server's own client authentication filter answers: 401 for
	 * {@code invalid_client}, 400 for any other OAuth2 error, with the OAuth2 error body.
	 */
	private void answer(HttpServletResponse response, AuthenticationException exception) throws IOException {
		SecurityContextHolder.clearContext();
		OAuth2Error error = (exception instanceof OAuth2AuthenticationException oauth2) ? oauth2.getError()
				: new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT);
		ServletServerHttpResponse http = new ServletServerHttpResponse(response);
		http.setStatusCode(OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode()) ? HttpStatus.UNAUTHORIZED
				: HttpStatus.BAD_REQUEST);
		this.errors.write(error, null, http);
	}

	private static void tooMany(HttpServletResponse response, FailedAttemptThrottle.Verdict verdict)
			throws IOException {
		if (response.isCommitted()) {
			return;
		}
		TenancyError error = TenancyError.RATE_LIMITED;
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", "urn:problem-type:tenancy:" + error.code());
		body.put("title", error.title());
		body.put("status", error.status());
		body.put("detail", error.detail());
		body.put("code", error.code());
		response.resetBuffer();
		response.setStatus(error.status());
		response.setHeader("Retry-After", Long.toString(verdict.retryAfterSeconds()));
		response.setHeader("Cache-Control", "no-store");
		response.setContentType("application/problem+json");
		response.getOutputStream().write(JSON.writeValueAsBytes(body));
		response.flushBuffer();
	}

	/**
	 * The client id the request authenticates as: the user part of HTTP Basic credentials
	 * (form-decoded, RFC 6749 section 2.3.1), else the {@code client_id} parameter.
	 * @return the client id, or {@code null} when none can be read
	 */
	static String clientId(HttpServletRequest request) {
		String authorization = request.getHeader("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
			try {
				String decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
						StandardCharsets.UTF_8);
				int colon = decoded.indexOf(':');
				String id = (colon >= 0) ? decoded.substring(0, colon) : decoded;
				return java.net.URLDecoder.decode(id, StandardCharsets.UTF_8);
			}
			catch (IllegalArgumentException ex) {
				return null;
			}
		}
		return request.getParameter("client_id");
	}

	private static boolean hasClientCredentials(HttpServletRequest request) {
		return request.getHeader("Authorization") != null || request.getParameter("client_secret") != null
				|| request.getParameter("client_assertion") != null;
	}

	/**
	 * Limits of the local token endpoint's throttle.
	 *
	 * @param perAddress failed client authentications accepted from one source address
	 * per window
	 * @param perClient failed client authentications accepted for one client id per
	 * window
	 * @param window the window; a throttled caller waits until it passes
	 */
	@ConfigurationProperties("sample.oauth2.failed-attempts")
	record Properties(@DefaultValue("10") long perAddress, @DefaultValue("20") long perClient,
			@DefaultValue("1m") Duration window) {

		FailedAttemptThrottle.Settings settings() {
			return new FailedAttemptThrottle.Settings(this.perAddress, this.perClient, this.window,
					Duration.ofSeconds(1));
		}

	}

}
