package dev.tenancy.sample;

import java.io.File;
import java.io.IOException;
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
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The operator console end to end: the real config server process (its jar, profile
 * {@code local}, console on) and the sample app reading its configuration and tenants
 * from it (profiles {@code local,configserver}). An operator signs in to the console in
 * headless Chromium, moves a tenant to another plan and the sample app's
 * {@code RateLimit-Policy} follows; suspends it and the sample app refuses its requests.
 * (The tenant API serves {@code rateLimit} from the plan only, the shipped protected key,
 * so the plan is what moves an app's limit here.)
 */
class ConsoleEndToEndTest {

	private static final int CONFIG_SERVER_PORT = 19352;

	private static final String CONSOLE = "http://localhost:" + CONFIG_SERVER_PORT;

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static ConfigServerClientTest.ConfigServer server;

	private static ConfigurableApplicationContext app;

	private static ChromeDriver browser;

	@RegisterExtension
	final TestWatcher screenshotOnFailure = new TestWatcher() {
		@Override
		public void testFailed(ExtensionContext context, Throwable cause) {
			if (browser == null) {
				return;
			}
			try {
				Path directory = Files.createDirectories(Path.of("target", "console-screenshots"));
				Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(),
						directory.resolve(context.getDisplayName().replaceAll("\\W+", "-") + ".png"),
						StandardCopyOption.REPLACE_EXISTING);
			}
			catch (IOException | RuntimeException ex) {
				// evidence only
			}
		}
	};

	@BeforeAll
	static void start() throws Exception {
		ConfigServerClientTest.ConfigServer.jar();
		SecondInstance.context();
		server = ConfigServerClientTest.ConfigServer.start("console", CONFIG_SERVER_PORT, 19355,
				List.of("--tenancy.config-server.local-issuer.issuer=" + CONSOLE));
		app = new SpringApplicationBuilder(SampleApplication.class).profiles("local", "configserver")
			.run(TestDatabase.args("server.port=19353", "management.server.port=19354",
					"CONFIG_SERVER_URL=" + server.baseUrl(), "CONFIG_SERVER_USERNAME=sample-app",
					"CONFIG_SERVER_PASSWORD=sample-app-secret", "spring.cloud.config.request-read-timeout=10000",
					"tenancy.registry.config-server.poll-interval=200ms"));
		String binary = System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium");
		String driver = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(binary);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--remote-debugging-port=19364", "--window-size=1280,1000");
		browser = new ChromeDriver(
				new ChromeDriverService.Builder().usingDriverExecutable(new File(driver)).usingPort(19363).build(),
				options);
	}

	@AfterAll
	static void stop() {
		try {
			if (browser != null) {
				browser.quit();
			}
			if (app != null) {
				app.close();
			}
		}
		finally {
			if (server != null) {
				server.stop();
			}
		}
	}

	@Test
	void aPlanChangedInTheConsoleMovesTheAppsRateLimitAndASuspensionStopsItsRequests() throws Exception {
		String id = "e2e-console-" + UUID.randomUUID().toString().substring(0, 8);
		HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(server.uri("/admin/tenants"))
			.header("X-Admin-Token", "local-demo-admin-token")
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("""
					{"id":"%s","displayName":"Console Voyages","config":{"plan":"standard","features":["trips"],
					 "locale":"en-GB"}}""".formatted(id), StandardCharsets.UTF_8))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		Api api = new Api(19353);
		String token = Api.bearer(LocalTokens.forTenant(app, id));
		HttpResponse<String> before = await(api, token, (response) -> response.statusCode() == 200);
		assertThat(before.headers().firstValue("RateLimit-Policy")).get().asString().contains("1000");

		// the operator signs in through the config server's local issuer and moves the
		// tenant to the premium plan
		browser.get(CONSOLE + "/console/tenants/" + id);
		new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/issuer/login"));
		browser.findElement(By.id("username")).sendKeys("operator");
		browser.findElement(By.id("password")).sendKeys("operator-demo-password");
		navigate(browser.findElement(By.cssSelector("form button[type=submit]")));
		new WebDriverWait(browser, Duration.ofSeconds(20)).until(ExpectedConditions.urlContains("/console/tenants/"));
		WebElement plan = browser.findElement(By.id("plan"));
		plan.clear();
		plan.sendKeys("premium");
		navigate(browser.findElement(By.cssSelector("form.tenant button[type=submit]")));
		assertThat(browser.findElement(By.cssSelector(".notice")).getText()).contains("Saved");

		HttpResponse<String> premium = await(api, token,
				(response) -> response.headers().firstValue("RateLimit-Policy").orElse("").contains("5000"));
		assertThat(premium.statusCode()).isEqualTo(200);

		// suspended in the console: the app refuses the tenant's requests
		navigate(browser.findElement(By.linkText("Suspend…")));
		navigate(browser.findElement(By.cssSelector("main form button[type=submit]")));
		assertThat(browser.findElement(By.cssSelector(".meta .status")).getText()).isEqualTo("suspended");
		HttpResponse<String> refused = await(api, token, (response) -> response.statusCode() == 403);
		assertThat(Api.code(refused)).isEqualTo("tenant_suspended");
	}

	private static HttpResponse<String> await(Api api, String token, Predicate<HttpResponse<String>> condition)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		HttpResponse<String> last;
		do {
			last = api.get("/api/tenant", "Authorization", token);
			if (condition.test(last)) {
				return last;
			}
			Thread.sleep(250);
		}
		while (System.nanoTime() < deadline);
		fail("The sample app still answered " + last.statusCode() + " " + last.headers().map() + " " + last.body());
		return last;
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
