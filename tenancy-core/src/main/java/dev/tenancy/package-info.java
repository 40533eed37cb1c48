/**
 * The tenant model: plain, validated values that every other package builds on.
 */
package dev.tenancy;
