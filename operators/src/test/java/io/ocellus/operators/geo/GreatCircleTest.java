package io.ocellus.operators.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** Great-circle distances against known city pairs and the sphere's own geometry. */
class GreatCircleTest {
    @Test
    void knownCityPairs() {
        // Published great-circle distances (km); the sphere is within 0.5% of the ellipsoid.
        assertThat(GreatCircle.km(51.5074, -0.1278, 48.8566, 2.3522)).isCloseTo(344, offset(2.0));
        assertThat(GreatCircle.km(40.7128, -74.0060, 34.0522, -118.2437))
                .isCloseTo(3944, offset(20.0));
        assertThat(GreatCircle.km(35.6762, 139.6503, -33.8688, 151.2093))
                .isCloseTo(7823, offset(40.0));
        assertThat(GreatCircle.km(-33.9249, 18.4241, 30.0444, 31.2357))
                .isCloseTo(7246, offset(36.0));
    }

    @Test
    void theSpheresGeometry() {
        double half = Math.PI * GreatCircle.EARTH_RADIUS_KM;
        assertThat(GreatCircle.km(0, 0, 0, 180)).isCloseTo(half, offset(1e-6));
        assertThat(GreatCircle.km(90, 0, -90, 0)).isCloseTo(half, offset(1e-6));
        assertThat(GreatCircle.km(0, 0, 0, 90)).isCloseTo(half / 2, offset(1e-6));
        assertThat(GreatCircle.km(0, 179.5, 0, -179.5)).isCloseTo(half / 180, offset(1e-6));
        assertThat(GreatCircle.km(89.9, 10, 89.9, -170)).isCloseTo(half / 900, offset(1e-6));
        assertThat(GreatCircle.km(48.2, 16.37, 48.2, 16.37)).isZero();
        assertThat(GreatCircle.km(12, 34, 56, 78)).isEqualTo(GreatCircle.km(56, 78, 12, 34));
    }
}
