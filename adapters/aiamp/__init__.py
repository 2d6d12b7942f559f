"""Adapter of the aiamp network: ``SOLICITUD_COOPERACION`` → ``cca.mla.request.v1``;
``INFORMACION_ESPONTANEA`` and ``EQUIPO_CONJUNTO`` → ``cca.case.referral.v1``."""

from adapters.aiamp.adapter import AiampAdapter

__all__ = ["AiampAdapter"]
