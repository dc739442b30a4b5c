package io.datastores.service.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ListingTest {

    private static final Comparator<String> ORDER = Comparator.naturalOrder();

    @Test
    void theFirstItemsAreKeptInOrderAndEveryOfferCounted() {
        Listing.First<String> first = new Listing.First<>(ORDER, 3);
        List.of("e", "b", "g", "a", "f", "c", "d").forEach(first::offer);

        assertThat(first.items()).containsExactly("a", "b", "c");
        assertThat(first.offered()).isEqualTo(7);
    }

    @Test
    void aPageIsTheSameHoweverTheItemsAreSpreadOverInstances() {
        List<String> fleet = IntStream.range(0, 137).mapToObj(i -> String.format("inst-%03d", i)).toList();
        Random random = new Random(7);
        for (int instances = 1; instances <= 4; instances++) {
            List<List<String>> shares = new ArrayList<>();
            IntStream.range(0, instances).forEach(i -> shares.add(new ArrayList<>()));
            List<String> shuffled = new ArrayList<>(fleet);
            java.util.Collections.shuffle(shuffled, random);
            shuffled.forEach(id -> shares.get(random.nextInt(shares.size())).add(id));
            for (int size : List.of(1, 10, 50)) {
                for (int page = 0; page * size <= fleet.size() + size; page++) {
                    long from = (long) page * size;
                    List<List<String>> prefixes = new ArrayList<>();
                    long total = 0;
                    for (List<String> share : shares) { // each instance: its items through the page
                        Listing.First<String> here = new Listing.First<>(ORDER, from + size);
                        share.forEach(here::offer);
                        prefixes.add(here.items());
                        total += here.offered();
                    }
                    int start = (int) Math.min(from, fleet.size());
                    assertThat(Listing.page(prefixes, ORDER, from, size))
                            .as("%d instances, page %d of %d", instances, page, size)
                            .isEqualTo(fleet.subList(start, Math.min(fleet.size(), start + size)));
                    assertThat(total).isEqualTo(fleet.size());
                }
            }
        }
    }

    @Test
    void nothingToListIsAnEmptyPage() {
        assertThat(Listing.page(List.of(List.of(), List.of()), ORDER, 0, 50)).isEmpty();
        assertThat(Listing.page(List.of(List.of("a")), ORDER, 50, 50)).isEmpty();
    }
}
