package dev.tenancy.sample.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} profile's token signing key, kept in a local file (a JWK with its
 * private part, readable by the owner only) so that tokens survive a restart and every
 * local instance on this machine accepts the others' tokens. The first instance to start
 * creates the file; one that starts at the same moment reads the winner's key.
 */
final class LocalSigningKey {

	private static final Logger logger = LoggerFactory.getLogger(LocalSigningKey.class);

	private LocalSigningKey() {
	}

	/**
	 * The key in the file, created there first if the file does not exist.
	 * @param file the key file
	 * @return the key, with its private part
	 */
	static RSAKey loadOrCreate(Path file) {
		try {
			if (!Files.exists(file)) {
				create(file);
			}
			RSAKey key = RSAKey.parse(Files.readString(file, StandardCharsets.UTF_8));
			if (!key.isPrivate()) {
				throw new IllegalStateException("The local signing key file " + file + " holds no private key");
			}
			return key;
		}
		catch (IOException | ParseException ex) {
			throw new IllegalStateException("Cannot read or create the local signing key file " + file
					+ " (sample.local-signing-key-file); delete it to start with a new key", ex);
		}
	}

	private static void create(Path file) throws IOException {
		Path directory = file.toAbsolutePath().getParent();
		Files.createDirectories(directory);
		RSAKey key = generate();
		Path temporary = Files.createTempFile(directory, ".local-signing-key", ".tmp");
		try {
			ownerOnly(temporary);
			Files.writeString(temporary, key.toJSONString(), StandardCharsets.UTF_8);
			// A link appears whole or not at all, and never replaces another instance's
			// key.
			try {
				Files.createLink(file, temporary);
				logger.info("Created the local signing key {} in {}", key.getKeyID(), file);
			}
			catch (FileAlreadyExistsException ex) {
				logger.debug("Another local instance created {} first", file);
			}
			catch (UnsupportedOperationException ex) {
				try {
					Files.move(temporary, file);
				}
				catch (FileAlreadyExistsException exists) {
					logger.debug("Another local instance created {} first", file);
				}
			}
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	private static void ownerOnly(Path file) throws IOException {
		try {
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
		}
		catch (UnsupportedOperationException ex) {
			// Not a POSIX file system: the user's own directory protects it.
		}
	}

	private static RSAKey generate() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair keyPair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) keyPair.getPublic())
				.privateKey((RSAPrivateKey) keyPair.getPrivate())
				.keyID(UUID.randomUUID().toString())
				.build();
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("RSA is required by every JVM", ex);
		}
	}

}
