package io.datastores.marketplace.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.datastores.marketplace.domain.Engine;

/** The libpq connection string a connection answers: what a person pastes into {@code psql}. */
class ConnectionStringTest {

    @Test
    void givenTheLocalDataPlane_thenTheServiceHostIsVerifiedAndTheEndpointDialled() {
        assertThat(MarketplaceController.connectionString(Path.of("/stack/tls/ca.crt"), Engine.POSTGRESQL,
                "orders.db.dcp.internal", "127.0.0.1", 41234, "defaultdb", "app_user"))
                .isEqualTo("host=orders.db.dcp.internal hostaddr=127.0.0.1 port=41234 dbname=defaultdb"
                        + " user=app_user sslmode=verify-full sslrootcert=/stack/tls/ca.crt");
    }

    @Test
    void withoutAnAddressOrACaFile_thoseAreLeftOut() {
        assertThat(MarketplaceController.connectionString(null, Engine.POSTGRESQL_VECTOR, "v.db.dcp.internal", null,
                5432, "defaultdb", "admin"))
                .isEqualTo("host=v.db.dcp.internal port=5432 dbname=defaultdb user=admin sslmode=verify-full");
    }

    @Test
    void valuesWithSpacesOrQuotesAreQuotedAsLibpqReadsThem() {
        assertThat(MarketplaceController.connectionString(Path.of("/home/me/my stack/ca.crt"), Engine.POSTGRESQL,
                "h", null, 5432, "it's", "u"))
                .contains("dbname='it\\'s'").endsWith("sslrootcert='/home/me/my stack/ca.crt'");
        assertThat(MarketplaceController.libpq("")).isEqualTo("''");
        assertThat(MarketplaceController.libpq("a\\b")).isEqualTo("'a\\\\b'");
    }

    @Test
    void otherEnginesHaveNone() {
        assertThat(MarketplaceController.connectionString(null, Engine.MYSQL, "h", null, 3306, "d", "u")).isNull();
        assertThat(MarketplaceController.connectionString(null, Engine.CACHE, "h", null, 6379, "d", "u")).isNull();
    }
}
