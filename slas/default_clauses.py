"""The default SLA clause template, built from the seeds (000 CSS SLA, 001 §17, 004 AP agreement).

Each section is (key, heading, [(clause heading, clause body), ...]). Text in {braces} is filled
from the SLA's enforced numbers, so the prose and the rules the app applies never disagree.
"""

SECTIONS = [
    ("provider", "The provider's obligations", [
        ("Structured programme", "Provide a structured programme with clear aims and objectives which, where appropriate, leads to a nationally recognised qualification or accreditation."),
        ("Programme details", "Give the pupil and the school all relevant programme details, including term dates, contacts and timetables."),
        ("Induction", "Provide an induction programme, including health and safety and behavioural expectations."),
        ("Tools and protective equipment", "Provide the tools, equipment and materials for practical and classroom tasks and the personal protective equipment needed for all practical work, with training where needed."),
        ("Qualified, vetted staff", "Employ staff with relevant teaching and vocational experience, vetted with enhanced DBS checks, and follow safeguarding regulations."),
        ("Audit data", "Collect and supply the data needed for audit, including the attendance register for morning and afternoon sessions."),
        ("Progress discussions and meetings", "Discuss progress with pupils and, where appropriate, attend professionals' meetings about them."),
        ("Risk assessments", "Carry out risk assessments of the provision, by competent staff, at agreed intervals."),
        ("Lunch and breaks", "Provide a lunchtime where appropriate, with lunch and break procedures and safeguarding in place."),
    ]),
    ("school", "The school's obligations", [
        ("Named key contact", "Name a key member of staff to work with the provider and visit each pupil at least {visits_per_half_term} time(s) every half term."),
        ("Referral documents", "Complete the referral documents for each pupil and give, in writing before the programme starts, the information the provider needs to meet the pupil's needs, including medical and special educational needs."),
        ("Tasters and induction", "Make sure pupils attend interviews, taster sessions and the induction meeting, and liaise with the family before induction."),
        ("Following up non-attendance", "Follow up non-attendance after the provider reports an absence, and report back to the provider."),
        ("Notice of changes", "Tell the provider of any significant change of circumstance affecting a pupil or the delivery of the programme."),
        ("Half-termly meetings", "Attend review meetings at least every half term to monitor progress, safeguarding and attendance."),
    ]),
    ("attendance", "Attendance", [
        ("Registers", "The provider records every pupil's attendance each session and submits the register in apcommission within {register_deadline_minutes} minutes of the session start."),
        ("Absence", "The provider contacts the school (and the parent or carer where its policy says so) within {register_deadline_minutes} minutes when a pupil has not arrived."),
        ("Not accounted for", "The provider contacts the school within {register_deadline_minutes} minutes if a pupil is not accounted for, for example has not returned from lunch."),
        ("Late registers", "The school contacts the provider if a register has not been received within {register_deadline_minutes} minutes of the session start."),
        ("Known absences", "The school tells the provider in advance of any known absence and of anything likely to affect a pupil's attendance."),
    ]),
    ("safeguarding", "Safeguarding", [
        ("Policies", "The provider keeps current, high-quality policies and follows them: safeguarding and child protection, anti-bullying, data protection, equal opportunities, staff discipline, conduct and grievance, attendance, a written statement of behaviour principles, a central record of recruitment and vetting checks including DBS, premises management, and procedures for dealing with allegations against staff."),
        ("Concerns", "The provider tells the school's designated safeguarding lead of any safeguarding concern immediately."),
    ]),
    ("reporting", "Reporting", [
        ("Termly report", "The provider gives a written report on each pupil every term covering progress towards qualifications or targets, attendance, engagement and behaviour."),
        ("Weekly updates", "Where there are concerns, the provider gives a weekly update on behaviour and attitude."),
        ("Half-termly review", "The provider gives a half-termly report and holds a review meeting with parents or carers and the school."),
    ]),
    ("behaviour", "Behaviour", [
        ("Managing behaviour", "The provider uses its behaviour policy and procedures to deal with poor behaviour and tells the parent or carer and the school immediately."),
        ("Emergency review", "After {incidents_before_emergency_review} incidents the provider calls an emergency review of the placement, at which clear targets are set."),
    ]),
    ("quality", "Quality assurance", [
        ("Self-evaluation", "The provider has robust self-evaluation processes, quality assures its teaching and is responsible for all pupils on its site or on activities it arranges. The school may observe any part of the provision."),
    ]),
    ("funding", "Funding and invoicing", [
        ("Payment", "The school pays the provider at the rate in the schedule. The provider invoices the school for the agreed amount each invoicing period; invoices are paid within the agreed number of days."),
    ]),
    ("insurance", "Insurance", [
        ("Cover", "The provider insures pupils while on its premises or on activities it organises, including injury and loss cover for pupils under 16, and displays its public liability insurance certificate."),
    ]),
    ("transport", "Transport", [
        ("Arrangements", "Transport to and from the provision is as set out in the schedule, agreed between the school and the provider."),
    ]),
]
