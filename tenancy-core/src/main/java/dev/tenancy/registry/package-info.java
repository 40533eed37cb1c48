/**
 * The tenant registry SPI and its simple implementations.
 */
package dev.tenancy.registry;
