package io.ocellus.operators.geo;

/** Great-circle distances on a sphere of the Earth's mean radius (haversine). */
public final class GreatCircle {
    /** The IUGG mean Earth radius, km. */
    public static final double EARTH_RADIUS_KM = 6371.0088;

    private GreatCircle() {}

    /** The distance between two WGS84 points in degrees, km; within 0.5% of the ellipsoid's. */
    public static double km(double lat1, double lon1, double lat2, double lon2) {
        double phi1 = Math.toRadians(lat1);
        double phi2 = Math.toRadians(lat2);
        double dPhi = phi2 - phi1;
        double dLambda = Math.toRadians(lon2 - lon1);
        double h =
                Math.sin(dPhi / 2) * Math.sin(dPhi / 2)
                        + Math.cos(phi1)
                                * Math.cos(phi2)
                                * Math.sin(dLambda / 2)
                                * Math.sin(dLambda / 2);
        return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
    }
}
