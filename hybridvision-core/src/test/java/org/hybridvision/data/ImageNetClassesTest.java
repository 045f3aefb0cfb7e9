package org.hybridvision.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import org.junit.jupiter.api.Test;

class ImageNetClassesTest {
    @Test
    void standardOrder() {
        ImageNetClasses c = ImageNetClasses.get();
        assertEquals(1000, c.wnids().size());
        assertEquals(1000, new HashSet<>(c.wnids()).size());
        assertEquals(1000, new HashSet<>(c.shortNames()).size());
        assertEquals("tench", c.shortName(0));
        assertEquals("n01440764", c.wnids().get(0));
        assertEquals("toilet tissue", c.shortName(999));
        assertEquals("n15075141", c.wnids().get(999));
        assertEquals("tabby", c.shortName(281));
        assertEquals("crane bird", c.shortName(134));
        assertEquals("crane", c.shortName(517));
        assertEquals("tench, Tinca tinca", c.synsets().get(0));
        assertEquals(281, c.indexOf("n02123045"));
        assertEquals(-1, c.indexOf("n00000000"));
    }
}
