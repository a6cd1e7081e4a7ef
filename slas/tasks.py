from celery import shared_task


@shared_task(name="slas.tasks.render_signed_sla_pdf", autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def render_signed_sla_pdf(sla_id: int) -> str:
    from apcommission import clock

    from .services import sla_pdf_ensure

    sla = sla_pdf_ensure(sla_id=sla_id, now=clock.now())
    return sla.pdf_sha256
