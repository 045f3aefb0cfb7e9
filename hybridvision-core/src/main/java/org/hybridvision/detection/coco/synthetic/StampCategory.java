package org.hybridvision.detection.coco.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * A class of the generated detection data set and the Tux Paint stamps (RGBA photo cut-outs of Debian's
 * {@code tuxpaint-stamps-default}) that show it.
 *
 * <p>The default list ({@link #defaults()}), in category-id order (id = position + 1); {@code --categories K} takes
 * the first K. The kinds were chosen to be distinct at a glance (animals of different build, vehicles, food, plants,
 * objects of different shape); each has several stamps so a detector learns the kind, not one picture:
 * <ol>
 *   <li>bird (10 stamps: blackbird, crow, duck, hen, owl, pigeon, rooster, seagull, toucan, penguin)</li>
 *   <li>fish (7 reef and sea fish)</li>
 *   <li>insect (bee, fly, grasshopper, hornet, hoverfly, moth)</li>
 *   <li>cattle (bison, bull, two cows, yak, zebu)</li>
 *   <li>big cat (two lions, two tigers)</li>
 *   <li>car (Beetle, sedan, sports car, pick-up)</li>
 *   <li>fruit (12: apples, orange, pear, banana, lemon, kiwi, mandarin, pineapple, apricot, grapes, strawberry)</li>
 *   <li>flower (12 blossoms)</li>
 *   <li>mushroom (three ceps)</li>
 *   <li>ball (basketball, football, tennis ball, American and Australian footballs, cricket ball)</li>
 *   <li>hat (fedoras, propeller hat, sombrero, top hat, feathered hat; drawings)</li>
 *   <li>string instrument (cello, four guitars, violin)</li>
 *   <li>road sign (stop, give way, no entry, roundabout, school, yield, crossroads, T-junction)</li>
 *   <li>heavy vehicle (fire engine, refuse lorry, bus)</li>
 * </ol>
 *
 * @param name the category name written to the annotation file
 * @param supercategory its group
 * @param stamps stamp files relative to the stamps folder ({@code /usr/share/tuxpaint/stamps})
 */
public record StampCategory(String name, String supercategory, List<String> stamps) {

    /** Copies the list. */
    public StampCategory {
        stamps = List.copyOf(stamps);
        if (stamps.isEmpty()) {
            throw new IllegalArgumentException("category " + name + " has no stamps");
        }
    }

    /** @return the 14 default categories, in id order */
    public static List<StampCategory> defaults() {
        return List.of(
                of("bird", "animal", "animals/birds/", "blackbird", "crow", "duck", "hen", "owl", "pigeon", "rooster",
                        "seagull", "tucan", "penguin"),
                of("fish", "animal", "animals/fish/", "bluegroper", "butterflyfish", "clownfish", "coraltrout",
                        "dolphinfish", "stripedfish", "moonwrasse"),
                of("insect", "animal", "animals/insects/", "bee", "fly", "grasshopper", "hornet", "hoverfly",
                        "xanthia"),
                of("cattle", "animal", "animals/mammals/bovines/", "bison", "bull", "cow", "cow_white", "yak", "zebu"),
                of("big cat", "animal", "animals/mammals/cats/", "lion-2", "lion", "tiger", "tiger_sumatran"),
                of("car", "vehicle", "vehicles/auto/", "beetle", "sedan", "sportscar2", "truck"),
                of("fruit", "food", "food/fruit/", "apple_red", "apple_green", "orange", "pear", "banana", "lemon",
                        "kiwi", "mandarine", "pineapple", "apricot", "grapes", "strawberry"),
                of("flower", "plant", "plants/flowers/", "flower1", "flower2", "flower3", "flower4", "flower5",
                        "flower7", "flower8", "flower9", "rose", "marigold", "daffodil", "iris"),
                of("mushroom", "plant", "plants/mushrooms/", "cep", "cep-1", "cep-2"),
                of("ball", "sports", "sports/", "basketball", "soccer", "tennis_ball", "football", "cricketball",
                        "australian_rules_football"),
                of("hat", "clothing", "clothes/hats/", "blue_fedora", "green_fedora", "propeller_hat", "sombrero",
                        "tophat", "feathered_hat"),
                of("string instrument", "music", "hobbies/music/string/", "cello", "guitar2", "guitar_classical",
                        "guitar_electric", "guitar_electric_bass", "violin"),
                of("road sign", "town", "town/roadsigns/", "stop", "give_way_sign", "no_entry_sign", "roundabout",
                        "school_sign", "yield", "crossroads", "t-junction"),
                of("heavy vehicle", "vehicle", "vehicles/", "emergency/firetruck", "garbagetruck",
                        "masstransit/green_korean_bus"));
    }

    private static StampCategory of(String name, String supercategory, String folder, String... stems) {
        List<String> files = new ArrayList<>();
        for (String s : stems) {
            files.add(folder + s + ".png");
        }
        return new StampCategory(name, supercategory, files);
    }
}
