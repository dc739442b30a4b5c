package io.datastores.kit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.exc.InvalidFormatException;

class IsoInstantTest {

    record Stamped(Instant at) {
    }

    @Test
    void writesWhatInstantToStringWritesAndReadsItBack() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            long seconds = random.nextLong(-62_167_219_200L, 253_402_300_800L); // years 0 to 9999
            int nano = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(seconds, nano);
            String text = IsoInstant.format(instant);
            assertThat(text).isEqualTo(instant.toString());
            assertThat(IsoInstant.parseCanonical(text)).isEqualTo(instant);
        }
    }

    @Test
    void edgesOfTheCanonicalForm() {
        for (String text : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
                "2024-02-29T12:00:00.5Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.1Z"}) {
            assertThat(IsoInstant.parseCanonical(text)).as(text).isEqualTo(Instant.parse(text));
        }
        assertThat(IsoInstant.format(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("+10000-01-01T00:00:00Z");
        assertThat(IsoInstant.format(Instant.parse("-0001-01-01T00:00:00Z"))).isEqualTo("-0001-01-01T00:00:00Z");
    }

    @Test
    void otherFormsAreLeftToTheStandardParser() {
        for (String text : new String[] {"2023-02-29T00:00:00Z", "2026-11-23T24:00:00Z", "2026-11-23T00:00:00.Z",
                "2026-11-23T00:00:00.1234567890Z", "2026-11-23 00:00:00Z", "2026-11-23T00:00:00+01:00",
                "2026-1x-23T00:00:00Z", "+10000-01-01T00:00:00Z", ""}) {
            assertThat(IsoInstant.parseCanonical(text)).as(text).isNull();
        }
    }

    @Test
    void theStateMapperReadsEveryFormItReadBefore() throws Exception {
        var reader = JsonSerde.MAPPER.readerFor(Stamped.class);
        assertThat(((Stamped) reader.readValue("{\"at\":\"2026-11-23T00:24:14.123Z\"}")).at())
                .isEqualTo(Instant.parse("2026-11-23T00:24:14.123Z"));
        assertThat(((Stamped) reader.readValue("{\"at\":\"2026-11-23T01:24:14+01:00\"}")).at())
                .isEqualTo(Instant.parse("2026-11-23T00:24:14Z"));
        assertThat(((Stamped) reader.readValue("{\"at\":1700000000.5}")).at())
                .isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 500_000_000));
        assertThat(((Stamped) reader.readValue("{\"at\":null}")).at()).isNull();
        assertThatThrownBy(() -> reader.readValue("{\"at\":\"2023-02-29T00:00:00Z\"}"))
                .isInstanceOf(InvalidFormatException.class);
        assertThat(JsonSerde.MAPPER.writeValueAsString(new Stamped(Instant.parse("2026-11-23T00:24:14.120Z"))))
                .isEqualTo("{\"at\":\"2026-11-23T00:24:14.120Z\"}");
    }
}
