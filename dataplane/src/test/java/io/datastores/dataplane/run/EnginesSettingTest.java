package io.datastores.dataplane.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.datastores.dataplane.domain.Engine;

/**
 * {@code dataplane.engines} names the engines this data plane runs, as the contract names them: a name
 * that is no engine is an operator's typo, and an engine it cannot run (MySQL, the cache) would get
 * PostgreSQL servers: both are refused when the data plane starts.
 */
class EnginesSettingTest {

    @Test
    void theContractsNamesInAnyCaseWithSpaces() {
        assertThat(LocalDataPlane.engines("POSTGRESQL, postgresql_vector"))
                .containsExactlyInAnyOrder(Engine.POSTGRESQL, Engine.POSTGRESQL_VECTOR);
        assertThat(LocalDataPlane.engines("POSTGRESQL,,")).containsExactly(Engine.POSTGRESQL);
    }

    @Test
    void aNameThatIsNoEngineIsRefusedWithTheName() {
        assertThatThrownBy(() -> LocalDataPlane.engines("POSTGRESQL,POSTGRES"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'POSTGRES' is no engine");
        assertThatThrownBy(() -> LocalDataPlane.engines("UNKNOWN")).hasMessageContaining("'UNKNOWN' is no engine");
    }

    @Test
    void anEngineThisDataPlaneCannotRunIsRefused() {
        assertThatThrownBy(() -> LocalDataPlane.engines("POSTGRESQL,MYSQL"))
                .hasMessageContaining("'MYSQL' is no engine this data plane runs ([POSTGRESQL, POSTGRESQL_VECTOR])");
    }
}
