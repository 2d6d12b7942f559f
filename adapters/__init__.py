"""Network adapters of the CCA hub, one package per network, and the SDK they share."""
