package dev.tenancy.testfixture;

/**
 * A test source outside the module's package {@code dev.tenancy.test}, on purpose, for
 * {@code TestConventionsTest}.
 */
class MisplacedFixture {

}
