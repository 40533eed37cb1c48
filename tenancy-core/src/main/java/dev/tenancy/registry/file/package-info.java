/**
 * Tenant YAML files: a read-only source and the reader the importer uses.
 */
package dev.tenancy.registry.file;
