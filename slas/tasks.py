from celery import shared_task

from apcommission.celery import RETRY_ON


# A ReliableTask (apcommission/celery.py): acks late, retried with backoff and jitter on database
# and broker errors, and here also on file-system errors while storing the PDF. sla_pdf_ensure is
# idempotent: a retry after a half-finished run stores the PDF once.
@shared_task(name="slas.tasks.render_signed_sla_pdf", autoretry_for=RETRY_ON + (OSError,), max_retries=5)
def render_signed_sla_pdf(sla_id: int) -> str:
    from apcommission import clock

    from .services import sla_pdf_ensure

    sla = sla_pdf_ensure(sla_id=sla_id, now=clock.now())
    return sla.pdf_sha256
