/**
 * The tenant on messages (Spring AMQP): the sender's tenant travels as the
 * {@value dev.tenancy.messaging.TenantMessageHeaders#TENANT} header, and a listener runs
 * in that tenant's context once the registry confirms it is active; any other message is
 * rejected without requeue (to the queue's dead-letter exchange, if it has one).
 */
package dev.tenancy.messaging;
