package dev.tenancy.sample.async;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

import dev.tenancy.TenantId;
import dev.tenancy.context.TenantContext;

/**
 * Reports, from an {@code @Async} method, which tenant the worker thread acts for. The
 * starter's task decorator carries the caller's tenant (or its absence) to the
 * application task executor, on platform and virtual threads alike.
 */
@Service
public class TenantEcho {

	/**
	 * The tenant seen by the thread that runs this method.
	 * @return the tenant id, or empty when the caller had no tenant
	 */
	@Async
	public CompletableFuture<Optional<String>> currentTenantAsync() {
		return CompletableFuture.completedFuture(TenantContext.current().map(TenantId::value));
	}

}
