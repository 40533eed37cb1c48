package dev.tenancy.configserver.console;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.tenancy.Tenant;
import dev.tenancy.TenantConfig;
import dev.tenancy.TenantId;
import dev.tenancy.TenantStatus;
import dev.tenancy.registry.TenantAdministration;
import dev.tenancy.registry.TenantChange;
import dev.tenancy.registry.TenantRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.test.context.ActiveProfiles;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}), signed in through the local issuer with the authorization
 * code grant and PKCE, as an operator would. One browser for the class. A failing test
 * leaves a screenshot in {@code target/console-screenshots/}; the main pages are saved to
 * {@code target/console-pages/}, or with {@code -Dtenancy.readme.write=true} to the
 * README's {@code docs/console/}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "server.port=" + ConsoleBrowserTest.PORT,
				"tenancy.config-server.local-issuer.issuer=http://localhost:" + ConsoleBrowserTest.PORT,
				// an app instance's metrics, played by the test (APP_METRICS_PORT)
				"tenancy.config-server.console.usage.sources=http://127.0.0.1:" + ConsoleBrowserTest.APP_METRICS_PORT
						+ "/actuator/prometheus",
				"tenancy.config-server.console.usage.interval=200ms" })
@ActiveProfiles("local")
class ConsoleBrowserTest {

	static final int PORT = 19351;

	static final String BASE = "http://localhost:" + PORT;

	static final int APP_METRICS_PORT = 19362;

	/** The tenant whose traffic the played app reports, and how often it was read. */
	private static final AtomicReference<String> busyTenant = new AtomicReference<>("none");

	private static final AtomicLong scrapes = new AtomicLong();

	private static HttpServer appMetrics;

	private static ChromeDriver browser;

	@Autowired
	TenantAdministration administration;

	@Autowired
	TenantRegistry registry;

	@RegisterExtension
	final TestWatcher screenshotOnFailure = new TestWatcher() {
		@Override
		public void testFailed(ExtensionContext context, Throwable cause) {
			screenshot(Path.of("target", "console-screenshots"), context.getDisplayName().replaceAll("\\W+", "-"));
		}
	};

	/**
	 * An app instance's Prometheus endpoint: each read, the busy tenant has had 7 more
	 * requests served and 2 more refused with 429.
	 */
	@BeforeAll
	static void startAppMetrics() throws IOException {
		appMetrics = HttpServer.create(new InetSocketAddress("127.0.0.1", APP_METRICS_PORT), 0);
		appMetrics.createContext("/actuator/prometheus", (exchange) -> {
			long n = scrapes.incrementAndGet();
			String body = "tenancy_requests_total{outcome=\"served\",tenant_id=\"" + busyTenant.get() + "\"} " + (7 * n)
					+ ".0\n" + "tenancy_requests_total{outcome=\"rate_limited\",tenant_id=\"" + busyTenant.get()
					+ "\"} " + (2 * n) + ".0\n";
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, bytes.length);
			exchange.getResponseBody().write(bytes);
			exchange.close();
		});
		appMetrics.start();
	}

	@BeforeAll
	static void startBrowser() {
		String binary = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
		String driver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
		assertThat(new File(binary))
			.as("Chromium at %s (apt-get install chromium chromium-driver, or set "
					+ "CHROMIUM_BINARY and CHROMEDRIVER)", binary)
			.isFile();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(binary);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--remote-debugging-port=19361", "--window-size=1280,1000");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(driver))
			.usingPort(19360)
			.build();
		browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stopBrowser() {
		if (browser != null) {
			browser.quit();
		}
		if (appMetrics != null) {
			appMetrics.stop(0);
		}
	}

	@Test
	void aTenantsPageShowsItsRequestsAndRejectionsOfTheLastHour() {
		Tenant tenant = tenant("usage", "Usage Unlimited");
		busyTenant.set(tenant.id().value());
		long seen = scrapes.get();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until((driver) -> scrapes.get() > seen + 3);
		signIn("operator", "operator-demo-password");

		browser.get(BASE + "/console/tenants/" + tenant.id().value());
		WebElement usage = browser.findElement(By.cssSelector("section.usage"));
		assertThat(usage.getText()).contains("Requests", "Rate-limited (429)");
		long requests = Long.parseLong(usage.findElements(By.tagName("strong")).get(0).getText());
		long rejected = Long.parseLong(usage.findElements(By.tagName("strong")).get(1).getText());
		assertThat(requests).isPositive().isEqualTo(rejected * 9 / 2);
		assertThat(usage.findElement(By.cssSelector("svg polyline.rejected")).getDomAttribute("points")).isNotBlank();
		((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView()", usage);
		saveForReadme("usage");
	}

	@Test
	void operatorFindsATenantChangesItsRateLimitSuspendsItAndSeesBothInTheAudit() {
		Tenant tenant = tenant("acme", "Acme Travel");
		signIn("operator", "operator-demo-password");

		// find it by its e-mail domain
		browser.get(BASE + "/console/tenants");
		browser.findElement(By.id("q")).sendKeys(tenant.id().value() + ".example");
		navigate(browser.findElement(By.cssSelector("form.search button")));
		assertThat(browser.findElement(By.cssSelector("table.tenants tbody")).getText()).contains(tenant.id().value(),
				"Acme Travel");
		saveForReadme("tenants");
		navigate(browser.findElement(By.linkText(tenant.id().value())));

		// change its rate limit
		WebElement limit = browser.findElement(By.id("limit"));
		assertThat(limit.getDomAttribute("value")).isEqualTo("1000");
		assertThat(browser.findElement(By.cssSelector("label[for=limit]")).getText()).isEqualTo("Requests per window");
		saveForReadme("tenant");
		limit.clear();
		limit.sendKeys("120");
		navigate(browser.findElement(By.cssSelector("form.tenant button[type=submit]")));
		assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Saved");
		assertThat(stored(tenant).config().rateLimit().limit()).isEqualTo(120);

		// suspend it, after a confirmation that names it
		navigate(browser.findElement(By.linkText("Suspend…")));
		assertThat(browser.findElement(By.tagName("h1")).getText()).contains("Acme Travel", tenant.id().value());
		saveForReadme("confirm-suspend");
		navigate(browser.findElement(By.cssSelector("main form button[type=submit]")));
		assertThat(browser.findElement(By.cssSelector(".meta .status")).getText()).isEqualTo("suspended");
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.SUSPENDED);

		// both in the audit trail, by the operator, newest first
		navigate(browser.findElement(By.linkText("Audit trail")));
		List<WebElement> entries = browser.findElements(By.cssSelector(".timeline .entry"));
		assertThat(entries).hasSizeGreaterThanOrEqualTo(3);
		assertThat(entries.get(0).getText()).contains("operator").containsIgnoringCase("suspend");
		assertThat(entries.get(1).getText()).contains("operator", "config.rateLimit.limit", "1000", "120");
		saveForReadme("audit");
	}

	@Test
	void invalidValuesAreShownAtTheirFieldsWithTheApisMessages() {
		Tenant tenant = tenant("invalid", "Invalid Inc");
		signIn("operator", "operator-demo-password");
		browser.get(BASE + "/console/tenants/" + tenant.id().value());
		WebElement limit = browser.findElement(By.id("limit"));
		limit.clear();
		limit.sendKeys("0");
		WebElement window = browser.findElement(By.id("window"));
		window.clear();
		window.sendKeys("60");
		navigate(browser.findElement(By.cssSelector("form.tenant button[type=submit]")));

		assertThat(browser.findElement(By.id("limit-error")).getText())
			.isEqualTo("must be a whole number of requests of at least 1");
		assertThat(browser.findElement(By.id("window-error")).getText()).contains("a bare number is refused");
		assertThat(browser.findElement(By.id("limit")).getDomAttribute("aria-describedby")).isEqualTo("limit-error");
		assertThat(stored(tenant).config().rateLimit().limit()).isEqualTo(1000);
		saveForReadme("validation");
	}

	@Test
	void anEditMadeMeanwhileIsShownAsAConflictAndNotOverwritten() {
		Tenant tenant = tenant("conflict", "Conflict Corp");
		signIn("operator", "operator-demo-password");
		browser.get(BASE + "/console/tenants/" + tenant.id().value());
		// someone else saves first
		Tenant current = stored(tenant);
		this.administration.update(tenant.id(), current.version(), current.displayName(),
				withLimit(current.config(), 500), new TenantChange("someone-else", "req-1"));

		WebElement limit = browser.findElement(By.id("limit"));
		limit.clear();
		limit.sendKeys("130");
		navigate(browser.findElement(By.cssSelector("form.tenant button[type=submit]")));

		String conflict = browser.findElement(By.cssSelector(".conflict")).getText();
		assertThat(conflict).contains("Not saved", "someone-else", "rateLimit.limit: 500 → 130");
		assertThat(browser.findElement(By.id("limit")).getDomAttribute("value")).isEqualTo("500");
		assertThat(stored(tenant).config().rateLimit().limit()).isEqualTo(500);
		saveForReadme("conflict");
	}

	@Test
	void someoneWithoutTheAdminScopeIsRefused() {
		Tenant tenant = tenant("refused", "Refused Ltd");
		signIn("viewer", "viewer-demo-password");

		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You cannot use the tenant console");
		assertThat(browser.getPageSource()).contains("tenants:admin").doesNotContain(tenant.id().value());
		saveForReadme("refused");
		browser.get(BASE + "/console/tenants/" + tenant.id().value());
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You cannot use the tenant console");
	}

	@Test
	void aChangeWithoutTheCsrfTokenIsRefused() throws Exception {
		Tenant tenant = tenant("csrf", "Csrf SA");
		signIn("operator", "operator-demo-password");
		Cookie session = browser.manage().getCookieNamed("JSESSIONID");
		assertThat(session).isNotNull();
		assertThat(session.isHttpOnly()).isTrue();
		assertThat(session.getSameSite()).isEqualTo("Lax");

		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(BASE + "/console/tenants/" + tenant.id().value() + "/suspend"))
				.header("Cookie", "JSESSIONID=" + session.getValue())
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("version=" + tenant.version()))
				.build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(403);
		assertThat(response.body()).contains("This form has expired");
		assertThat(stored(tenant).status()).isEqualTo(TenantStatus.ACTIVE);
	}

	@Test
	void signingOutEndsTheSession() {
		signIn("operator", "operator-demo-password");
		browser.get(BASE + "/console/tenants");
		navigate(browser.findElement(By.cssSelector("form.signout button")));
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("You are signed out");

		browser.get(BASE + "/console/tenants");
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/issuer/login"));
		assertThat(browser.getPageSource()).doesNotContain("Signed in as");
	}

	@Test
	void theConsoleIsReadableAtPhoneWidth() {
		tenant("phone", "Phone Co");
		signIn("operator", "operator-demo-password");
		browser.manage().window().setSize(new Dimension(390, 844));
		try {
			browser.get(BASE + "/console/tenants?q=phone");
			Number scrollWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
			assertThat(scrollWidth.intValue()).isLessThanOrEqualTo(390);
			saveForReadme("tenants-phone");
		}
		finally {
			browser.manage().window().setSize(new Dimension(1280, 1000));
		}
	}

	private void signIn(String user, String password) {
		browser.get(BASE + "/console/signed-out");
		browser.manage().deleteAllCookies();
		browser.get(BASE + "/console/tenants");
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/issuer/login"));
		saveForReadme("sign-in");
		browser.findElement(By.id("username")).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(password);
		navigate(browser.findElement(By.cssSelector("form button[type=submit]")));
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/console/"));
	}

	private Tenant tenant(String name, String displayName) {
		String id = "console-" + name + "-" + UUID.randomUUID().toString().substring(0, 6);
		TenantConfig config = new TenantConfig("standard",
				new TenantConfig.RateLimit(1000, Duration.ofMinutes(1), 1000,
						new TenantConfig.UserLimit(100, Duration.ofMinutes(1)), java.util.Map.of("helpdesk", 5L)),
				List.of("trips", "helpdesk"), List.of(id + ".example"), "en-GB",
				java.util.Map.of("brandColour", "#0a5"));
		return this.administration.create(TenantId.of(id), displayName, config,
				new TenantChange("test-setup", "req-0"));
	}

	private Tenant stored(Tenant tenant) {
		return ((TenantRegistry) this.administration).find(tenant.id()).orElseThrow();
	}

	private static TenantConfig withLimit(TenantConfig config, long limit) {
		TenantConfig.RateLimit rate = config.rateLimit();
		return new TenantConfig(
				config.plan(), new TenantConfig.RateLimit(limit, rate.window(), Math.max(limit, rate.burst()),
						rate.perUser(), rate.costs()),
				config.features(), config.emailDomains(), config.locale(), config.attributes());
	}

	/**
	 * Where the pages' screenshots go: {@code target/console-pages/}, or the README's
	 * {@code docs/console/} with {@code -Dtenancy.readme.write=true} (as the README's
	 * property tables), so that a test run never changes tracked files by itself.
	 */
	private static Path pageShots() {
		return Boolean.getBoolean("tenancy.readme.write") ? Path.of("..", "docs", "console")
				: Path.of("target", "console-pages");
	}

	private static void saveForReadme(String name) {
		screenshot(pageShots(), name);
	}

	private static void screenshot(Path directory, String name) {
		if (browser == null) {
			return;
		}
		try {
			Files.createDirectories(directory);
			File shot = browser.getScreenshotAs(OutputType.FILE);
			Files.copy(shot.toPath(), directory.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException | RuntimeException ex) {
			// a screenshot is evidence, never the reason a test fails
		}
	}

	/**
	 * Clicks a link or a form's button and waits until the new page has replaced this
	 * one: a click returns before the navigation it starts has finished.
	 */
	private static void navigate(WebElement element) {
		element.click();
		new WebDriverWait(browser, Duration.ofSeconds(30)).until((driver) -> {
			try {
				element.isEnabled();
				return false;
			}
			catch (StaleElementReferenceException ex) {
				return true;
			}
			catch (WebDriverException ex) {
				// Chromium 156 may report an element of the replaced page this way rather
				// than as stale (seen in CI)
				if (String.valueOf(ex.getMessage()).contains("does not belong to the document")) {
					return true;
				}
				throw ex;
			}
		});
	}

}
