package dev.tenancy.autoconfigure;

import java.util.List;

import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver;

import dev.tenancy.web.DisconnectAwareHandlerExceptionResolver;

/**
 * Puts {@link DisconnectAwareHandlerExceptionResolver} where Spring MVC's own
 * {@link DefaultHandlerExceptionResolver} was, in the same place of the resolver chain,
 * so that a database socket error ("Broken pipe") is never answered as a client
 * disconnect with an empty 200. Spring MVC's answers for its own exceptions (400, 405,
 * 415, ...) are unchanged.
 */
class DisconnectAwareExceptionResolverConfigurer implements WebMvcConfigurer {

	@Override
	public void extendHandlerExceptionResolvers(List<HandlerExceptionResolver> resolvers) {
		for (int i = 0; i < resolvers.size(); i++) {
			if (resolvers.get(i).getClass() == DefaultHandlerExceptionResolver.class) {
				DefaultHandlerExceptionResolver replaced = (DefaultHandlerExceptionResolver) resolvers.get(i);
				DisconnectAwareHandlerExceptionResolver resolver = new DisconnectAwareHandlerExceptionResolver();
				resolver.setOrder(replaced.getOrder());
				resolvers.set(i, resolver);
			}
		}
	}

}
