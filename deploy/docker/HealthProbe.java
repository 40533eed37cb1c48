import java.net.HttpURLConnection;
import java.net.URI;

/**
 * The images' health check. The final stage has no shell, curl or wget (distroless), so Docker's
 * HEALTHCHECK runs this class with the image's own JVM: exit 0 when the URL answers 200, 1
 * otherwise (another status, refused, or no answer within 2 s). Compiled in the build stage, and
 * by ContainerImageDefinitionTest, which runs it against the extracted app.
 */
public final class HealthProbe {

	private HealthProbe() {
	}

	public static void main(String[] args) {
		if (args.length != 1) {
			System.err.println("usage: HealthProbe URL");
			System.exit(2);
		}
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create(args[0]).toURL().openConnection();
			connection.setConnectTimeout(2000);
			connection.setReadTimeout(2000);
			int status = connection.getResponseCode();
			connection.disconnect();
			System.exit((status == 200) ? 0 : 1);
		}
		catch (Exception ex) {
			System.exit(1);
		}
	}

}
