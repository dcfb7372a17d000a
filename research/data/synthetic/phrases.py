"""Phrase bank for research.data.synthetic: the sentences synthetic CRM messages are assembled from.

Every sentence here is hand-written, in English ("en"), Korean ("ko") and Japanese ("ja"), in the
voice of a B2B SaaS marketer or salesperson; nothing is machine-translated or templated. The
generator builds each message from one opener, one to three content sentences, sometimes a
question, and one closer, all picked at random from ``PHRASES[lang][key]``:

- ``"claim:<claim>"``: marketing copy stating one value proposition from ``CLAIMS``;
- ``"sales_claim:<claim>"``: the same value proposition in a rep's voice;
- ``"drift:<topic>"``: sales talk on a ``DRIFT_TOPICS`` subject (price, discount, roadmap,
  contract, competitor) that marketing campaigns never mention;
- ``"open:marketing:<channel>"`` / ``"close:marketing:<channel>"`` for ``MARKETING_CHANNELS``
  (hooks, headlines and greetings; calls to action);
- ``"open:sales:<channel>"`` / ``"close:sales:<channel>"`` for ``SALES_CHANNELS`` (call-note
  summaries and next steps; email greetings and sign-offs);
- ``"question:sales"`` (discovery questions) and ``"question:marketing"`` (rhetorical ones).

Some sentences contain the placeholder ``{product}``, filled in with ``str.format(product=...)``;
no sentence contains any other brace. ``CLAIM_KEYWORDS`` and ``DRIFT_KEYWORDS`` give, per language,
lowercase keywords that identify each claim and drift topic by case-insensitive substring match:
every claim, sales-claim and drift sentence contains a keyword of its own claim or topic and none
of any other claim or topic, and openers, closers and questions contain none at all. The
keywords are checked against the sentences only, not against product names filled in later.
"""

LANGUAGES = ("en", "ko", "ja")
CLAIMS = (
    "fast_setup",
    "integrations",
    "security",
    "cost_savings",
    "support",
    "analytics",
    "scalability",
    "ease_of_use",
)
DRIFT_TOPICS = ("price", "discount", "roadmap", "contract", "competitor")
MARKETING_CHANNELS = ("ad", "landing_page", "email")
SALES_CHANNELS = ("call_note", "sales_email")


# --- English --------------------------------------------------------------------------------------

_EN: dict[str, tuple[str, ...]] = {
    # Marketing voice (ads, landing pages, emails): one value proposition per claim.
    "claim:fast_setup": (
        "Set up {product} in an afternoon and go live the same day.",
        "Most teams are up and running in under an hour.",
        "No lengthy implementation project: {product} is ready to deploy on day one.",
        "Guided onboarding takes your team from sign-up to first results before lunch.",
        "From kickoff to go-live in 24 hours, not 24 weeks.",
        "Skip the months-long rollout. Your workspace is set up and ready in minutes.",
        "Our setup wizard does the heavy lifting, so you can be live in a day.",
        "Prebuilt templates mean your first workflow can go live in minutes, not months.",
    ),
    "claim:integrations": (
        "{product} integrates with Salesforce, HubSpot and Slack out of the box.",
        "Connect the tools your team already relies on, with native integrations from CRM to chat.",
        "Over 200 native integrations keep data flowing between every app in your stack.",
        "Two-way sync with Salesforce means your reps never copy-paste a record again.",
        "Get alerts where your team already works: right inside Slack or Microsoft Teams.",
        "A well-documented REST API and webhooks let you integrate {product} with almost anything.",
        "Your CRM, your data warehouse and your inbox, finally in sync.",
        "{product} plugs into Zendesk, Jira, Snowflake and dozens more without custom code.",
    ),
    "claim:security": (
        "{product} is SOC 2 Type II certified and fully GDPR compliant.",
        "Your data is encrypted in transit and at rest with AES-256.",
        "Enterprise-grade security comes standard, not as an add-on.",
        "Single sign-on, role-based permissions and full audit logs keep your admins in control.",
        "Independent penetration tests twice a year mean your security team can sleep at night.",
        "Choose EU or US data residency to meet your privacy and compliance requirements.",
        "Built with security at its core, so your customer data stays yours.",
        "Breeze through security questionnaires with our ready-made trust center.",
    ),
    "claim:cost_savings": (
        "Cut your tooling costs by up to 40% by consolidating three tools into one.",
        "Customers see a full return on investment within the first six months.",
        "Save an average of 12 hours per rep every week, and put that time back into selling.",
        "Stop paying for shelfware and lower your software spend with {product}.",
        "Lower operating costs without adding headcount.",
        "The average team sees a positive ROI in under 90 days.",
        "Less manual work, fewer errors, lower costs. The savings add up fast.",
        "Spend less on overtime and agencies by automating the busywork.",
    ),
    "claim:support": (
        "Real humans answer our 24/7 support line, usually in under five minutes.",
        "Every account gets a dedicated customer success manager from day one.",
        "Stuck at 2 a.m.? Our support team is awake and ready to help.",
        "Customers rate our support team 4.9 out of 5 on G2.",
        "Get expert help by chat, email or phone, around the clock.",
        "Your success manager checks in regularly to make sure you're getting real value.",
        "We don't hand you a login and disappear. Live support is there whenever you need it.",
        "Award-winning support in English, Korean and Japanese.",
    ),
    "claim:analytics": (
        "Real-time dashboards show exactly where every deal stands.",
        "Turn raw activity data into insights your whole team can act on.",
        "Build custom reports in seconds and share them with a single link.",
        "Track the metrics that matter, from pipeline velocity to win rate.",
        "Spot trends in your funnel weeks before anyone else would.",
        "{product} surfaces actionable insights automatically, no spreadsheets required.",
        "Forecast revenue with confidence using AI-powered pipeline reports.",
        "See every KPI on one screen and drill down to the individual deal.",
    ),
    "claim:scalability": (
        "{product} scales from a five-person startup to a 5,000-person enterprise.",
        "Process millions of records a day without breaking a sweat.",
        "A platform that grows with you, from your first customer to your millionth.",
        "Built on elastic infrastructure that scales automatically when traffic spikes.",
        "Scale to new teams, regions and business units without re-platforming.",
        "Billions of events, sub-second queries, zero performance tuning.",
        "Whether you manage a hundred accounts or a million, performance stays the same.",
        "Designed for scale from day one, with 99.99% uptime.",
    ),
    "claim:ease_of_use": (
        "So intuitive your team can start without a single training session.",
        "If you can use a spreadsheet, you can use {product}. It really is that simple.",
        "A clean, simple interface that reps actually enjoy using.",
        "No training required: most users find their way around in minutes.",
        "Drag, drop, done. Building a workflow has never been easier.",
        "Designed for everyday users, not just admins, with almost no learning curve.",
        "An easy, uncluttered layout puts everything one click away.",
        "User-friendly by design, so the whole team is productive on day one.",
    ),
    # The same value propositions in a salesperson's voice (sales emails, call notes).
    "sales_claim:fast_setup": (
        "As I mentioned on the call, most teams are live within a day.",
        (
            "Our onboarding team would handle the setup, so your ops folks won't need to lift a "
            "finger."
        ),
        "Realistically, you could be up and running before your team offsite next week.",
        (
            "For a team your size, the rollout usually takes two to three days, including the data "
            "import."
        ),
        "I've attached the go-live checklist we use; it's about ten steps end to end.",
    ),
    "sales_claim:integrations": (
        (
            "Good news on the Salesforce question: we have a native two-way integration, no "
            "middleware needed."
        ),
        (
            "You mentioned Slack is where your team lives, so {product} can push deal alerts "
            "straight into your channels."
        ),
        (
            "I confirmed with our engineers that we can connect to your HubSpot instance out of "
            "the box."
        ),
        (
            "I've attached our API docs in case your developers want to sync the data warehouse as "
            "well."
        ),
        "We've built the integration with your ERP for several clients in your industry.",
    ),
    "sales_claim:security": (
        "I've attached our SOC 2 Type II attestation for your IT team to review.",
        (
            "On your data residency question: everything can stay in our EU region, fully GDPR "
            "compliant."
        ),
        (
            "Your CISO asked about encryption: all data is AES-256 encrypted at rest and TLS 1.3 "
            "in transit."
        ),
        "Happy to arrange a call between our security lead and your IT team.",
        (
            "Single sign-on via Okta or Azure AD is included, which should cover your security "
            "requirements."
        ),
    ),
    "sales_claim:cost_savings": (
        (
            "Based on the numbers you shared, I estimate you'd save around 15 hours per rep each "
            "month."
        ),
        "I put together a quick ROI model using your current headcount; it's attached.",
        (
            "Consolidating your three current tools into {product} should cut costs noticeably in "
            "year one."
        ),
        "A client of similar size cut their operational costs by about a third.",
        "The savings on manual data entry alone would likely pay for the investment.",
    ),
    "sales_claim:support": (
        "You'd have a dedicated customer success manager, and I'd stay involved as well.",
        "To your question about after-hours help: our support team is staffed 24/7.",
        "I'll introduce you to Maria, who would be your success manager going forward.",
        "Our support team answers in Japanese too, which I know matters for your Tokyo office.",
    ),
    "sales_claim:analytics": (
        "The dashboard I showed you on Tuesday can be tailored to your team's KPIs.",
        "Your VP wanted weekly pipeline reports; those can land in her inbox every Monday morning.",
        "I'll send over a sample insights deck built on anonymized data from a similar client.",
        (
            "You mentioned forecasting is painful today; {product} builds the forecast from live "
            "pipeline data."
        ),
    ),
    "sales_claim:scalability": (
        (
            "Given your plans to double headcount next year, it's worth noting that we scale "
            "without any re-architecture."
        ),
        "Several of our clients process tens of millions of records daily on the same platform.",
        "It grows with you: opening a new region is a configuration change, not a project.",
        (
            "Your data volume is well within what our largest accounts run; some of them store "
            "billions of rows."
        ),
    ),
    "sales_claim:ease_of_use": (
        "Your reps will pick it up quickly; honestly, most users need no training at all.",
        "As you saw in the demo, the interface is pretty intuitive.",
        "The feedback from your team during the trial was that it felt easy to use.",
        "We kept the admin side simple too, so you won't need an ops person just to maintain it.",
    ),
    # Sales-only topics that marketing copy never mentions.
    "drift:price": (
        "Our list price for the Professional tier is $89 per seat per month, billed annually.",
        "I've attached our pricing sheet with the three tiers we discussed.",
        "For 40 users, the Growth plan comes to roughly $3,500 per month.",
        "Pricing is per seat, so you only pay for the reps who actually log in.",
        "Above 200 users, the Enterprise tier is priced individually.",
        "Admin and read-only users are free; only full users count toward the per-user price.",
        (
            "There's a one-time license fee for the on-premise gateway on top of the subscription "
            "price."
        ),
    ),
    "drift:discount": (
        "If you can sign before the end of the quarter, I can offer a 15% discount.",
        "We're running an end-of-quarter promotion: 20% off the first year if signed this month.",
        "My manager approved an additional 10% discount since you're bringing on two departments.",
        "We can waive the first two months' fees if the paperwork is done by the 30th.",
        "Nonprofits and startups under 50 employees qualify for a 30% discount.",
        "I can hold this discount for you until Friday, but after that it goes back to standard.",
        "Sign this month and I can take 25% off the first-year invoice.",
    ),
    "drift:roadmap": (
        "Native mobile offline mode is on the roadmap for next quarter.",
        (
            "The Outlook add-in you asked about is in beta now and should be generally available "
            "later this year."
        ),
        "Our product team is planning a release with custom objects in Q3.",
        "I can get you into the early access program for the new AI assistant.",
        "Multi-currency is in development; I'll share the roadmap deck after our call.",
        "The feature your team flagged is coming soon, most likely in the next version.",
        (
            "Next quarter's release adds territory management, which covers most of what you "
            "described."
        ),
    ),
    "drift:contract": (
        "We usually sign on a 12-month contract, but multi-year terms are available.",
        "Your procurement team will need our standard MSA; I've sent it to legal.",
        "The cancellation clause lets you exit with 60 days' notice.",
        (
            "Legal flagged two items in the liability section, and I'm working through them with "
            "our counsel."
        ),
        "Renewal would be at the same terms for the first two years.",
        "Once procurement signs off, we can countersign the order form.",
        "We can add an auto-renewal opt-out if your contract policy requires it.",
    ),
    "drift:competitor": (
        "Compared to what Competitor X offers, we include workflow automation in the core product.",
        "A lot of teams switch to us from Pipedrive once they outgrow it.",
        "Unlike your current vendor, we don't lock you into proprietary data formats.",
        "I put together a side-by-side comparison with the tool you're evaluating.",
        "Happy to walk through how we differ from the incumbent your finance team uses.",
        "We helped a similar company migrate off their legacy CRM last spring with zero downtime.",
        "If you're also talking to other vendors, I'd love to hear what's resonating with you.",
    ),
    # Marketing openers and calls to action, per channel.
    "open:marketing:ad": (
        "New for revenue teams.",
        "Your pipeline, reimagined.",
        "Meet {product}.",
        "Stop guessing. Start closing.",
        "Built for teams that move fast.",
        "The tool top sales teams can't stop talking about.",
    ),
    "open:marketing:landing_page": (
        "The revenue platform modern teams run on.",
        "Everything your go-to-market team needs, in one place.",
        "{product}: the smarter way to run your pipeline.",
        "Work smarter. Close more deals.",
        "Trusted by over 3,000 B2B teams worldwide.",
        "Welcome to the future of customer operations.",
    ),
    "open:marketing:email": (
        "Hi there,",
        "Hello,",
        "Good morning,",
        "Hi there, hope your week is off to a good start.",
        "Thanks for downloading our guide last week.",
        "Hello from the {product} team,",
    ),
    "close:marketing:ad": (
        "Start your free trial today.",
        "Book a demo.",
        "Try it free for 14 days.",
        "See it in action.",
        "Get started now, no credit card required.",
        "Learn more.",
    ),
    "close:marketing:landing_page": (
        "Start your free trial. No credit card needed.",
        "Book a 20-minute demo with our team.",
        "Download the buyer's guide.",
        "Join thousands of teams already using {product}.",
        "Get started in a few clicks.",
        "Talk to an expert today.",
    ),
    "close:marketing:email": (
        "Ready to see it for yourself? Book a demo here.",
        "Reply to this email and we'll get you a trial account.",
        "Best regards, the {product} team",
        "Download the full guide using the link below.",
        "Cheers, the {product} team",
        "Start your free 14-day trial today.",
    ),
    # Sales openers and closers: call-note summaries and next steps, email greetings and sign-offs.
    "open:sales:call_note": (
        "Spoke with the head of ops today.",
        "Discovery call with the client.",
        "Call with their VP Sales and two team leads.",
        "Follow-up call with the finance manager.",
        "Quick check-in with our champion.",
        "Intro call; prospect came in via the webinar.",
        "Demo for the RevOps team, 45 minutes.",
    ),
    "close:sales:call_note": (
        "Next step: send proposal by Friday.",
        "Next steps: share the case study and book a follow-up for next Tuesday.",
        "Action item: schedule a demo for the wider team.",
        "Follow up next week once they've talked to their CFO.",
        "Next step: draft a mutual action plan and share it by Wednesday.",
        "To do: send recap email and calendar invite today.",
    ),
    "open:sales:sales_email": (
        "Thanks for your time today.",
        "Hi, great speaking with you this morning.",
        "Following up on our conversation from last week.",
        "Hope you had a good weekend.",
        "Thanks again for walking me through your current process.",
        "Just circling back on the demo from Tuesday.",
    ),
    "close:sales:sales_email": (
        "Would Thursday at 2 pm work for a follow-up?",
        "Let me know a time that works for a 30-minute call next week.",
        "Happy to answer any questions in the meantime. Could we pencil in a call on Monday?",
        "Looking forward to hearing from you. Best, Alex",
        "If it's helpful, I can bring our solutions engineer to the next meeting.",
        "Does early next week work to regroup?",
    ),
    # Questions: discovery questions from a rep, rhetorical questions in marketing copy.
    "question:sales": (
        "What's your budget range for this project?",
        "When are you hoping to have a solution in place?",
        "Who else is involved in the final decision?",
        "What are you using today to manage your pipeline?",
        "What's the biggest bottleneck in your current process?",
        "Is this initiative tied to any specific goals for this year?",
        "How many people on your team would be using it day to day?",
        "What would need to be true for you to move forward?",
        "Has your team looked at other solutions before?",
        "What happens if this doesn't get fixed in the next six months?",
    ),
    "question:marketing": (
        "Tired of chasing updates across five different tools?",
        "Still living in spreadsheets?",
        "What would your team do with an extra day every week?",
        "Ready to stop guessing?",
        "Why do top teams close 30% more deals?",
        "Is your pipeline as healthy as you think?",
    ),
}


# --- Korean ---------------------------------------------------------------------------------------

_KO: dict[str, tuple[str, ...]] = {
    # Marketing voice (ads, landing pages, emails): one value proposition per claim.
    "claim:fast_setup": (
        "복잡한 설정 없이 하루 만에 바로 시작할 수 있습니다.",
        "{product}의 가이드형 온보딩으로 첫날부터 성과를 확인하세요.",
        "몇 달씩 걸리는 구축 프로젝트는 이제 그만. 오늘 가입하면 오늘부터 가동됩니다.",
        "클릭 몇 번이면 초기 세팅이 끝나요.",
        "평균 셋업 시간은 단 30분, 별도의 IT 인력도 필요 없습니다.",
        "준비된 템플릿 덕분에 첫 워크플로를 몇 분 만에 설정할 수 있어요.",
        "오전에 세팅하고, 오후에는 바로 실무에 활용하세요.",
        "가입부터 실제 가동까지, 단 하루면 충분합니다.",
    ),
    "claim:integrations": (
        "Salesforce, HubSpot, Slack과 별도 개발 없이 바로 연동됩니다.",
        "이미 쓰고 있는 업무 도구를 그대로 연결하세요.",
        "200개 이상의 네이티브 연동으로 모든 앱의 데이터가 자연스럽게 흐릅니다.",
        "Salesforce와의 양방향 동기화로 더 이상 데이터를 복사해 붙여넣을 필요가 없어요.",
        "팀이 매일 쓰는 Slack 채널에서 중요한 알림을 바로 받아보세요.",
        "개방형 API와 웹훅으로 {product}에 사내 시스템을 자유롭게 연결할 수 있습니다.",
        "CRM, 메신저, 데이터 웨어하우스를 하나로 잇는 통합 허브.",
        "카카오톡, 네이버웍스 등 국내에서 많이 쓰는 툴과도 연동돼요.",
    ),
    "claim:security": (
        "SOC 2 Type II와 ISMS 인증을 획득한 엔터프라이즈급 보안을 제공합니다.",
        "모든 데이터는 전송 중에도, 저장 중에도 AES-256으로 암호화됩니다.",
        "GDPR과 국내 개인정보보호법을 모두 준수하고 있어요.",
        "싱글 사인온, 역할 기반 접근 권한, 감사 로그까지 기본으로 제공합니다.",
        "고객 데이터는 국내 리전에 안전하게 보관되어 사내 보안 심사도 수월하게 통과합니다.",
        "정기적인 외부 모의해킹으로 보안 수준을 꾸준히 검증하고 있습니다.",
        "보안팀이 안심할 수 있는 플랫폼, 처음부터 그렇게 설계했습니다.",
    ),
    "claim:cost_savings": (
        "세 가지 툴을 하나로 합쳐 소프트웨어 비용을 최대 40%까지 줄이세요.",
        "고객 대부분이 6개월 안에 투자 대비 성과를 확인합니다.",
        "영업 담당자 한 명이 매주 평균 12시간을 절약할 수 있어요.",
        "인력을 늘리지 않고도 운영 비용을 낮추세요.",
        "수작업이 줄면 실수도 줄고, 비용도 줄어듭니다.",
        "쓰지도 않는 툴에 돈을 내고 계신가요? 이제 그 예산을 아끼세요.",
        "평균 90일 안에 ROI를 달성합니다.",
        "야근과 외주에 들던 비용을 자동화로 절감하세요.",
    ),
    "claim:support": (
        "24시간 365일, 실제 사람이 직접 응대하는 고객 지원을 받아보세요.",
        "모든 고객사에 전담 매니저가 배정됩니다.",
        "새벽 두 시에도 서포트팀이 기다리고 있어요.",
        "채팅, 이메일, 전화 어디로 문의하셔도 전문 지원팀이 바로 도와드립니다.",
        "한국어로 빠르고 친절하게 답변하는 현지 지원팀이 있습니다.",
        "계정만 만들어 드리고 끝이 아닙니다. 고객 성공팀이 끝까지 함께합니다.",
        "G2 고객 지원 만족도 4.9점, 숫자가 증명합니다.",
    ),
    "claim:analytics": (
        "실시간 대시보드로 모든 거래의 진행 상황을 한눈에 확인하세요.",
        "흩어진 활동 데이터를 팀 전체가 활용할 수 있는 인사이트로 바꿔 드립니다.",
        "맞춤형 리포트를 몇 초 만에 만들고 링크 하나로 공유하세요.",
        "파이프라인 속도부터 수주율까지, 정말 중요한 지표만 추적하세요.",
        "AI 기반 매출 예측으로 다음 달 실적을 미리 내다보세요.",
        "엑셀로 보고서 만드느라 야근하는 일은 이제 없습니다.",
        "모든 KPI를 한 화면에서 보고, 클릭 한 번으로 개별 딜까지 파고들 수 있어요.",
        "데이터 분석 전문가가 없어도 의사결정에 필요한 숫자가 바로 보입니다.",
    ),
    "claim:scalability": (
        "5명 스타트업부터 5,000명 대기업까지 유연하게 확장됩니다.",
        "하루 수백만 건의 레코드도 거뜬하게 처리합니다.",
        "첫 고객부터 백만 번째 고객까지, 비즈니스와 함께 성장하는 플랫폼.",
        "트래픽이 몰려도 인프라가 자동으로 확장되니 걱정 없어요.",
        "새 팀과 새 지역으로 확장해도 시스템을 갈아엎을 필요가 없습니다.",
        "수십억 건의 이벤트도 1초 안에 조회됩니다.",
        "처음부터 대규모 환경을 염두에 두고 설계했으며, 서비스 가용성은 99.99%입니다.",
    ),
    "claim:ease_of_use": (
        "별도 교육 없이도 누구나 바로 쓸 수 있을 만큼 직관적이에요.",
        "엑셀을 다룰 줄 안다면 {product}도 충분히 쓰실 수 있습니다. 그만큼 쉽습니다.",
        "화면이 깔끔하고 직관적이라 영업 담당자들이 먼저 찾는 툴입니다.",
        "끌어다 놓기만 하면 끝. 워크플로 만들기가 이렇게 간편할 수 없습니다.",
        "관리자뿐 아니라 현업 사용자 누구나 쉽게 익힐 수 있도록 설계했습니다.",
        "모든 기능을 클릭 한 번으로 찾을 수 있어 사용법이 간단합니다.",
        "매뉴얼을 읽지 않아도 쉽게 쓸 수 있는 툴, 써 보시면 압니다.",
    ),
    # The same value propositions in a salesperson's voice (sales emails, call notes).
    "sales_claim:fast_setup": (
        "통화 때 말씀드린 것처럼, 대부분의 고객사는 하루 만에 세팅을 마칩니다.",
        "초기 설정은 저희 온보딩팀이 전부 맡아서 진행하니 운영팀 부담은 거의 없습니다.",
        "현실적으로 보면 다음 주 워크숍 전까지 충분히 가동하실 수 있을 것 같습니다.",
        "이 정도 인원의 팀이면 데이터 이관까지 포함해서 보통 2~3일이면 구축이 끝나요.",
        "고객사에서 준비하실 건 계정 정보 정도이고, 나머지 셋업은 저희가 합니다.",
    ),
    "sales_claim:integrations": (
        "문의하신 Salesforce 건은 네이티브 양방향 연동이 가능하다고 확인했습니다.",
        "팀에서 주로 Slack을 쓰신다고 하셔서, 딜 알림을 채널로 바로 보내는 방법을 정리해 봤습니다.",
        "현재 쓰시는 HubSpot 계정과도 별도 개발 없이 연결됩니다.",
        "개발팀에서 데이터 웨어하우스 동기화를 원하시면 API 문서를 보내 드리겠습니다.",
        "ERP 연동은 같은 업계 고객사 몇 곳에서 이미 진행해 본 경험이 있어요.",
    ),
    "sales_claim:security": (
        "IT팀 검토용으로 SOC 2 Type II 인증서를 첨부했습니다.",
        "데이터 보관 위치를 물어보셨는데, 모두 국내 리전에 저장되며 개인정보보호법을 준수합니다.",
        (
            "CISO께서 암호화 방식을 물어보셨는데, 저장 시 AES-256, 전송 시 TLS 1.3을 적용하고 "
            "있습니다."
        ),
        "필요하시면 저희 보안 담당자와 귀사 IT팀의 미팅을 잡아 드리겠습니다.",
    ),
    "sales_claim:cost_savings": (
        "공유해 주신 수치로 계산해 보니, 담당자 한 명당 월 15시간 정도를 절약하실 수 있습니다.",
        "현재 인원 기준으로 간략한 ROI 모델을 만들어 첨부했습니다.",
        "지금 쓰시는 툴 세 개를 정리하면 첫해부터 비용이 눈에 띄게 줄어듭니다.",
        "비슷한 규모의 고객사는 운영 비용을 3분의 1가량 절감했습니다.",
        "수작업 입력 시간만 줄여도 투자 비용은 충분히 회수하실 거예요.",
    ),
    "sales_claim:support": (
        "도입 후에는 전담 매니저가 배정되고, 저도 계속 함께 챙기겠습니다.",
        "야간 대응을 물어보셨는데, 저희 지원팀은 24시간 운영됩니다.",
        "앞으로 담당하게 될 고객 성공 매니저 김지현 님을 소개해 드리겠습니다.",
        "도쿄 지사 이야기를 하셨는데, 일본어 서포트도 가능합니다.",
    ),
    "sales_claim:analytics": (
        "화요일 데모에서 보신 대시보드는 팀 KPI에 맞게 얼마든지 바꿀 수 있습니다.",
        (
            "본부장님께서 주간 파이프라인 보고서를 원하셨는데, 매주 월요일 아침 메일로 받아 보실 "
            "수 있어요."
        ),
        "비슷한 고객사의 익명 데이터로 만든 인사이트 샘플을 보내 드리겠습니다.",
        (
            "지금은 매출 예측이 가장 힘드시다고 하셨는데, 실시간 파이프라인 데이터로 예측을 "
            "자동으로 만들어 드립니다."
        ),
    ),
    "sales_claim:scalability": (
        "내년에 인원을 두 배로 늘리실 계획이라고 하셨는데, 구조 변경 없이 그대로 확장됩니다.",
        "저희 고객사 중에는 하루 수천만 건을 처리하는 곳도 여럿 있습니다.",
        "새 지역으로 확장할 때도 별도 프로젝트 없이 옵션 몇 가지만 바꾸면 됩니다.",
        "말씀하신 데이터량은 저희 대규모 고객사들에 비하면 여유 있는 수준입니다.",
    ),
    "sales_claim:ease_of_use": (
        "영업팀 분들은 금방 익숙해지실 거예요. 솔직히 별도 교육 없이 쓰시는 분들이 대부분입니다.",
        "데모에서 보셨듯이 화면 구성이 꽤 직관적입니다.",
        "체험 기간 동안 팀원분들이 쓰기 쉽다는 피드백을 많이 주셨어요.",
        "관리자 화면도 간편하게 만들어서 운영 인력을 따로 둘 필요가 없습니다.",
    ),
    # Sales-only topics that marketing copy never mentions.
    "drift:price": (
        "Professional 플랜의 정가는 사용자당 월 12만 원이며, 연 단위로 청구됩니다.",
        "말씀드린 세 가지 요금제를 정리한 가격표를 첨부했습니다.",
        "40명 기준으로 Growth 플랜 요금은 월 450만 원 정도입니다.",
        "가격은 사용자 수 기준이라 실제로 로그인하는 인원만큼만 내시면 됩니다.",
        "200명이 넘어가면 Enterprise 요금제로 별도 견적을 드립니다.",
        "조회 전용 계정은 무료이고, 정식 사용자만 단가에 포함됩니다.",
        "온프레미스 게이트웨이는 구독료와 별도로 일회성 요금이 붙습니다.",
    ),
    "drift:discount": (
        "이번 분기 말까지 결정해 주시면 15% 할인을 적용해 드릴 수 있습니다.",
        "지금 분기 마감 프로모션 중이라, 이달 안에 서명하시면 첫해 20%를 빼 드립니다.",
        "두 개 부서가 함께 쓰시는 조건으로 팀장님께 10% 추가 할인을 승인받았습니다.",
        "이달 30일까지 서류가 마무리되면 첫 두 달 이용료를 면제해 드릴게요.",
        "직원 50명 미만 스타트업은 30% 할인 대상입니다.",
        "이 할인 조건은 금요일까지만 유지할 수 있고, 그 이후에는 원래대로 돌아갑니다.",
        "연말 특가는 이번 달 서명 건까지만 적용됩니다.",
    ),
    "drift:roadmap": (
        "모바일 오프라인 모드는 다음 분기 로드맵에 올라가 있습니다.",
        "문의하신 Outlook 애드인은 현재 베타 단계이고, 하반기에 정식 출시될 예정입니다.",
        "커스텀 오브젝트 기능은 3분기 릴리스에 포함될 예정이에요.",
        "새 AI 어시스턴트 얼리 액세스 프로그램에 참여하실 수 있도록 요청해 두겠습니다.",
        "다중 통화 기능은 현재 개발 중이며, 미팅 후에 로드맵 자료를 공유해 드릴게요.",
        "팀에서 요청하신 기능은 곧 나올 예정인데, 다음 버전에 포함될 가능성이 높습니다.",
        (
            "다음 분기 업데이트에서 영업 구역 관리 기능이 추가되는데, 말씀하신 요구 사항 대부분을 "
            "해결할 수 있을 겁니다."
        ),
    ),
    "drift:contract": (
        "기본은 12개월 계약이지만, 다년 약정도 가능합니다.",
        "구매팀에서 요청하신 표준 계약서를 법무팀에 전달했습니다.",
        "해지 조항에 따라 60일 전에 통보하시면 언제든 종료하실 수 있습니다.",
        "법무팀에서 책임 제한 조항 두 가지를 짚어 주셔서 저희 쪽 변호사와 검토하고 있습니다.",
        "첫 2년간은 동일한 조건으로 갱신됩니다.",
        "구매 부서 승인이 나면 저희 쪽에서 바로 날인하겠습니다.",
        "귀사 내부 규정상 자동 갱신이 어렵다면 계약서에서 해당 부분을 빼 드릴 수 있습니다.",
    ),
    "drift:competitor": (
        "경쟁사 X와 달리 저희는 워크플로 자동화를 기본 기능에 포함하고 있습니다.",
        "Pipedrive를 쓰다가 한계를 느끼고 저희로 갈아타는 팀이 많습니다.",
        "지금 쓰시는 타사 솔루션과 달리 데이터를 특정 형식에 묶어 두지 않습니다.",
        "검토 중이신 툴과 기능을 나란히 비교한 자료를 만들어 봤습니다.",
        "재무팀에서 쓰고 계신 기존 솔루션과 어떤 점이 다른지 설명해 드릴게요.",
        "비슷한 회사가 작년 봄 타사 CRM에서 저희로 옮겨 왔는데, 서비스 중단은 전혀 없었습니다.",
        "다른 벤더와도 이야기 중이시라면, 어떤 점이 마음에 드셨는지 듣고 싶습니다.",
    ),
    # Marketing openers and calls to action, per channel.
    "open:marketing:ad": (
        "영업팀을 위한 새로운 선택.",
        "파이프라인 관리, 이제 다르게.",
        "{product}, 지금 만나 보세요.",
        "감으로 하는 영업은 그만. 이제 데이터로 이기세요.",
        "빠르게 움직이는 팀을 위해 만들었습니다.",
        "잘나가는 영업팀은 이미 쓰고 있습니다.",
    ),
    "open:marketing:landing_page": (
        "성장하는 B2B 기업이 선택한 매출 플랫폼",
        "영업과 마케팅에 필요한 모든 것을 한곳에.",
        "{product}: 파이프라인을 더 똑똑하게 관리하는 방법",
        "더 똑똑하게 일하고, 더 많이 성사시키세요.",
        "전 세계 3,000개 이상의 B2B 팀이 신뢰합니다.",
        "고객 운영의 새로운 기준을 만나 보세요.",
    ),
    "open:marketing:email": (
        "안녕하세요,",
        "안녕하세요, {product} 팀입니다.",
        "안녕하세요, 고객님.",
        "지난주 가이드를 다운로드해 주셔서 감사합니다.",
        "좋은 아침입니다.",
        "한 주 잘 시작하셨나요?",
    ),
    "close:marketing:ad": (
        "지금 무료 체험을 시작하세요.",
        "데모를 신청하세요.",
        "14일 동안 무료로 써 보세요.",
        "직접 확인해 보세요.",
        "신용카드 없이 바로 시작하세요.",
        "자세히 알아보기",
    ),
    "close:marketing:landing_page": (
        "지금 무료 체험을 시작하세요. 신용카드는 필요 없습니다.",
        "전문가와 20분 데모를 예약하세요.",
        "구매 가이드 무료 다운로드",
        "이미 수천 개 팀이 쓰고 있습니다. 지금 합류하세요.",
        "영업 담당자와 상담하기",
        "지금 바로 시작하기",
    ),
    "close:marketing:email": (
        "직접 확인해 보고 싶으시다면 아래 링크에서 데모를 신청해 주세요.",
        "이 메일에 회신해 주시면 체험 계정을 만들어 드리겠습니다.",
        "감사합니다. {product} 팀 드림",
        "아래 링크에서 전체 가이드를 내려받으실 수 있습니다.",
        "궁금한 점이 있으시면 언제든 편하게 답장 주세요.",
        "지금 14일 무료 체험을 시작해 보세요.",
    ),
    # Sales openers and closers: call-note summaries and next steps, email greetings and sign-offs.
    "open:sales:call_note": (
        "고객사 운영팀장과 통화함.",
        "고객사 디스커버리 콜 진행.",
        "영업 본부장 및 팀 리드 2명과 미팅.",
        "재무 담당자와 후속 통화.",
        "내부 챔피언과 짧게 진행 상황 체크.",
        "웨비나로 유입된 리드와 첫 통화.",
        "RevOps팀 대상 데모 45분 진행.",
    ),
    "close:sales:call_note": (
        "다음 단계: 금요일까지 제안서 발송.",
        "다음 단계: 사례 자료 공유 후 다음 주 화요일 후속 미팅 잡기.",
        "할 일: 확대 데모 일정 조율.",
        "CFO와 논의 후 다음 주 재연락 예정.",
        "다음 단계: 공동 실행 계획 초안 작성 후 수요일까지 공유.",
        "오늘 중 요약 메일과 캘린더 초대 발송.",
    ),
    "open:sales:sales_email": (
        "오늘 시간 내 주셔서 감사합니다.",
        "오늘 오전 통화 반가웠습니다.",
        "지난주 나눈 이야기에 이어 연락드립니다.",
        "주말 잘 보내셨나요?",
        "현재 업무 프로세스를 자세히 설명해 주셔서 다시 한번 감사드립니다.",
        "화요일 데모 관련해서 다시 연락드립니다.",
    ),
    "close:sales:sales_email": (
        "목요일 오후 2시에 후속 미팅 가능하실까요?",
        "다음 주 중 30분 정도 통화 가능한 시간을 알려 주세요.",
        "궁금한 점은 언제든 말씀해 주세요. 월요일에 잠깐 통화 일정을 잡아도 될까요?",
        "회신 기다리겠습니다. 감사합니다.",
        "다음 미팅에는 저희 솔루션 엔지니어도 함께 참석하도록 하겠습니다.",
        "다음 주 초에 다시 이야기 나눌 수 있을까요?",
    ),
    # Questions: discovery questions from a rep, rhetorical questions in marketing copy.
    "question:sales": (
        "이번 프로젝트 예산은 어느 정도로 잡고 계신가요?",
        "언제쯤 새 솔루션을 쓰기 시작하실 계획인가요?",
        "최종 의사결정에는 어떤 분들이 참여하시나요?",
        "지금은 파이프라인 관리를 어떤 툴로 하고 계세요?",
        "현재 프로세스에서 가장 큰 병목은 무엇인가요?",
        "올해 어떤 목표와 관련된 과제인가요?",
        "매일 실제로 사용할 인원은 몇 명 정도인가요?",
        "다음 단계로 넘어가시려면 어떤 조건이 충족되어야 할까요?",
        "이전에 다른 솔루션을 검토해 보신 적이 있나요?",
        "이 문제를 6개월 안에 해결하지 못하면 어떤 영향이 있을까요?",
    ),
    "question:marketing": (
        "다섯 개 툴을 오가며 업데이트를 챙기느라 지치셨나요?",
        "아직도 엑셀로 영업 관리를 하고 계신가요?",
        "매주 하루가 더 생긴다면 팀은 무엇을 할까요?",
        "이제 감에 의존하는 영업을 끝낼 준비가 되셨나요?",
        "상위 영업팀은 왜 딜을 30% 더 많이 성사시킬까요?",
        "우리 파이프라인, 생각만큼 건강할까요?",
    ),
}


# --- Japanese -------------------------------------------------------------------------------------

_JA: dict[str, tuple[str, ...]] = {
    # Marketing voice (ads, landing pages, emails): one value proposition per claim.
    "claim:fast_setup": (
        "{product}なら、最短1日で導入が完了します。",
        "面倒な初期設定は不要。アカウントを作成したその日から使い始められます。",
        "数か月がかりの導入プロジェクトは、もう必要ありません。",
        "ガイド付きのオンボーディングで、初日から成果を実感いただけます。",
        "セットアップにかかる時間は平均30分。社内にITの専門家がいなくても始められます。",
        "豊富なテンプレートを使えば、最初のワークフローが数分で稼働します。",
        "午前中に設定を済ませて、午後からは実務でご活用いただけます。",
        "お申し込みから本番稼働まで、最短1日。",
    ),
    "claim:integrations": (
        "Salesforce、HubSpot、Slackと標準で連携できます。",
        "今お使いのツールを、そのまま接続してご利用いただけます。",
        "200以上のネイティブ連携で、あらゆるアプリ間のデータがスムーズにつながります。",
        "Salesforceとの双方向同期で、データの転記作業はもう必要ありません。",
        "大事な通知は、チームが毎日使うSlackやMicrosoft Teamsに直接届きます。",
        "オープンなAPIとWebhookで、{product}を社内システムと自由に接続できます。",
        "kintone、Chatwork、freeeなど、国内で定番のサービスとも連携しています。",
        "CRM、チャット、データウェアハウスをひとつに統合するハブです。",
    ),
    "claim:security": (
        "SOC 2 Type IIおよびISMS認証を取得した、エンタープライズ水準のセキュリティ。",
        "すべてのデータは、通信時も保存時もAES-256で暗号化されます。",
        "GDPRおよび個人情報保護法に準拠しています。",
        "シングルサインオン、ロールベースのアクセス権限、監査ログを標準で備えています。",
        "データは国内リージョンで保管されるため、社内のセキュリティ審査もスムーズです。",
        "第三者による脆弱性診断を定期的に実施し、セキュリティ水準を継続的に検証しております。",
        "大切な顧客データを守るため、セキュリティを設計の出発点にしています。",
    ),
    "claim:cost_savings": (
        "3つのツールを1つにまとめ、ソフトウェアコストを最大40%削減。",
        "多くのお客様が6か月以内に投資を回収し、高い費用対効果を実感されています。",
        "営業担当者ひとりにつき、毎週平均12時間の工数を削減できます。",
        "人員を増やさずに、運用コストを抑えられます。",
        "手作業が減れば、ミスも減り、コストも下がります。",
        "使われていないツールに、無駄なコストをかけていませんか。",
        "平均90日でROIを達成しています。",
        "残業代や外注費を、自動化で節約しましょう。",
    ),
    "claim:support": (
        "24時間365日、専門スタッフが日本語でサポートいたします。",
        "すべてのお客様に、専任のカスタマーサクセス担当がつきます。",
        "深夜のトラブルでも、サポートチームがすぐに対応します。",
        "チャット・メール・電話、どの窓口からでもサポートを受けられます。",
        (
            "アカウントを発行して終わり、ではありません。"
            "カスタマーサクセスチームが定着まで伴走します。"
        ),
        "G2でサポート満足度4.9点を獲得しています。",
        "困ったときに頼れる専任担当者がいるので安心です。",
    ),
    "claim:analytics": (
        "リアルタイムのダッシュボードで、すべての商談の状況をひと目で把握できます。",
        "散らばった活動データを、チーム全員が使えるインサイトに変えます。",
        "カスタムレポートを数秒で作成し、リンクひとつで共有できます。",
        "パイプラインの速度から受注率まで、本当に重要な指標だけを追いかけましょう。",
        "AIによる売上予測で、来月の着地を先読みできます。",
        "Excelでのレポート作成に追われる日々は、もう終わりです。",
        "すべてのKPIを1画面で確認し、ワンクリックで個別の商談まで掘り下げられます。",
        "データの可視化で、勘に頼らない意思決定を。",
    ),
    "claim:scalability": (
        "5人のスタートアップから5,000人規模の大企業まで、柔軟にスケールします。",
        "1日数百万件のレコードも難なく処理します。",
        "最初のお客様から100万人目まで、事業の成長に合わせて拡張できるプラットフォームです。",
        "アクセスが集中しても、インフラが自動でスケールするので安心です。",
        "新しいチームや拠点が増えても、システムを作り直すことなく拡張できます。",
        "数億件のイベントでも、1秒以内に検索できます。",
        "大規模運用を前提に設計されており、可用性は99.99%です。",
    ),
    "claim:ease_of_use": (
        "研修なしでも使いこなせる、直感的な操作性。",
        "Excelが使えるなら、{product}もすぐに使いこなせます。それほど簡単です。",
        "すっきりとしたシンプルな画面で、営業担当者にも好評です。",
        "ドラッグ＆ドロップだけで、ワークフローをかんたんに作成できます。",
        "管理者だけでなく、現場の誰でも使いやすいように設計しました。",
        "マニュアル不要。迷わず操作できるから、現場にしっかり定着します。",
        "ITに詳しくない方でも、簡単に使い始められます。",
    ),
    # The same value propositions in a salesperson's voice (sales emails, call notes).
    "sales_claim:fast_setup": (
        "お電話でもお伝えしたとおり、ほとんどのお客様は1日で導入が完了しております。",
        (
            "初期設定は弊社のオンボーディングチームがすべて対応しますので、"
            "御社のご負担はほとんどありません。"
        ),
        "来週の社内ワークショップまでには、十分に稼働できる見込みです。",
        "御社の規模ですと、データの取り込みを含めてもセットアップは2〜3日が目安です。",
        "ご準備いただくのはアカウント情報くらいで、残りの立ち上げ作業は弊社で行います。",
    ),
    "sales_claim:integrations": (
        (
            "ご質問いただいたSalesforceの件ですが、"
            "ネイティブの双方向連携に対応していることを確認いたしました。"
        ),
        (
            "Slackを中心にお使いとのことでしたので、"
            "商談アラートをチャンネルに直接通知する方法をまとめました。"
        ),
        "現在ご利用中のHubSpotとも、追加開発なしで接続できます。",
        "データウェアハウスとの同期をご希望でしたら、APIドキュメントをお送りいたします。",
        "基幹システムとの連携は、同業のお客様で複数の実績がございます。",
    ),
    "sales_claim:security": (
        "情報システム部門様のご確認用に、SOC 2 Type IIの認証資料を添付いたしました。",
        (
            "データの保管場所についてですが、すべて国内リージョンに保存され、"
            "個人情報保護法にも準拠しております。"
        ),
        (
            "CISOの方から暗号化方式についてご質問がありましたが、保存時はAES-256、通信時はTLS "
            "1.3を採用しております。"
        ),
        "必要でしたら、弊社のセキュリティ担当と御社IT部門との打ち合わせを調整いたします。",
    ),
    "sales_claim:cost_savings": (
        (
            "いただいた数値をもとに試算したところ、"
            "担当者おひとりにつき月15時間ほどの工数削減が見込めます。"
        ),
        "現在の人員数をもとにした、簡易的なROI試算を添付しております。",
        "今お使いの3つのツールを集約すれば、初年度からコストが目に見えて下がります。",
        "同規模のお客様では、運用コストを約3分の1削減された事例がございます。",
        "手入力の時間を減らすだけでも、費用対効果は十分に見合うと考えております。",
    ),
    "sales_claim:support": (
        "ご利用開始後は専任のカスタマーサクセス担当がつき、私も引き続きフォローいたします。",
        "夜間の対応についてご質問いただきましたが、弊社のサポートは24時間体制です。",
        "今後担当させていただくカスタマーサクセスの山田を、改めてご紹介いたします。",
        "ソウル拠点のお話がありましたが、韓国語でのサポートも可能です。",
    ),
    "sales_claim:analytics": (
        (
            "火曜日のデモでご覧いただいたダッシュボードは、"
            "御社のKPIに合わせて自由にカスタマイズできます。"
        ),
        "部長がご希望の週次パイプラインレポートは、毎週月曜の朝にメールで自動配信できます。",
        "類似のお客様の匿名データをもとにした分析サンプルをお送りいたします。",
        (
            "売上予測に最もご苦労されているとのことでしたので、"
            "リアルタイムのパイプラインデータから予測を自動で作成する機能をご紹介します。"
        ),
    ),
    "sales_claim:scalability": (
        "来年に人員を倍増されるご予定とのことですが、構成を変えることなくそのまま拡張できます。",
        "弊社のお客様の中には、1日数千万件を処理している企業も複数ございます。",
        "新しい拠点を追加する場合も、大がかりな改修なしでスケールできます。",
        "お伺いしたデータ量は、弊社の大規模なお客様と比べれば十分に余裕のある水準です。",
    ),
    "sales_claim:ease_of_use": (
        (
            "営業の皆さまもすぐに慣れていただけると思います。実際、"
            "研修なしで使い始めるお客様がほとんどです。"
        ),
        "デモでご覧いただいたとおり、画面はかなり直感的です。",
        "トライアル期間中、メンバーの方々から「使いやすい」という声を多くいただきました。",
        "管理画面もシンプルな作りですので、運用のための担当者を別途置く必要はありません。",
    ),
    # Sales-only topics that marketing copy never mentions.
    "drift:price": (
        "Professionalプランの定価は、1ユーザーあたり月額12,000円（年払い）です。",
        "ご説明した3つの料金プランをまとめた価格表を添付いたします。",
        "40ユーザーの場合、Growthプランで月額45万円ほどになります。",
        "料金はユーザー数に応じた従量制ですので、実際にログインする方の分だけのお支払いです。",
        "200ユーザーを超える場合は、Enterpriseプランとして個別にお見積もりいたします。",
        "閲覧専用アカウントは無料で、フルユーザーのみが単価の対象となります。",
        "オンプレミス用ゲートウェイは、月額料金とは別に一時費用がかかります。",
    ),
    "drift:discount": (
        "今四半期末までにご決定いただければ、15%の割引をご提案できます。",
        "現在、期末キャンペーンを実施しており、今月中のお申し込みで初年度20%の値引きが可能です。",
        "2部署でのご利用を条件に、追加10%の値引きについて上長の承認を得ました。",
        "30日までに書類がそろえば、最初の2か月分の利用料を無償にいたします。",
        "従業員50名未満のスタートアップ様は、30%の割引対象となります。",
        "この割引は金曜日まで確保できますが、それ以降は通常の条件に戻ります。",
        "今月中にご発注いただけるのであれば、特別条件をご用意いたします。",
    ),
    "drift:roadmap": (
        "モバイルのオフラインモードは、次の四半期のロードマップに入っております。",
        "お問い合わせのOutlookアドインは現在ベータ版で、下期に正式リリースの予定です。",
        "カスタムオブジェクト機能は、第3四半期のリリースに含まれる予定です。",
        "新しいAIアシスタントのアーリーアクセスプログラムにご参加いただけるよう手配いたします。",
        "多通貨対応は現在開発中で、打ち合わせの後にロードマップ資料を共有いたします。",
        "ご要望の機能は、次期バージョンで搭載される可能性が高いです。",
        (
            "来期のアップデートでテリトリー管理機能が追加され、"
            "お話しいただいた課題の多くが解決できる見込みです。"
        ),
    ),
    "drift:contract": (
        "通常は12か月契約ですが、複数年でのご契約も可能です。",
        "購買部門の方からご依頼いただいた標準契約書を、弊社法務より送付しております。",
        "解約条項により、60日前までにご通知いただければいつでも終了できます。",
        "御社法務部から責任制限条項について2点ご指摘をいただき、弊社の弁護士と確認中です。",
        "最初の2年間は同一条件で更新されます。",
        "社内の稟議が通りましたら、すぐに押印の手続きに進めます。",
        "自動更新が社内規定上難しい場合は、契約書から該当条項を外すことも可能です。",
    ),
    "drift:competitor": (
        "競合のX社とは異なり、弊社ではワークフロー自動化を標準機能に含めております。",
        "Pipedriveから乗り換えて弊社を選ばれるチームが多くいらっしゃいます。",
        "現在ご利用中の他社製品とは違い、データを独自形式に縛ることはありません。",
        "ご検討中のツールとの機能比較表を作成いたしました。",
        "経理部門でお使いの他社ツールとの違いについて、改めてご説明いたします。",
        (
            "似た業種の企業様が昨春、他社CRMからリプレイスされましたが、"
            "業務停止は一切ありませんでした。"
        ),
        "他のベンダーともお話しされているようでしたら、どの点を評価されているかぜひ伺いたいです。",
    ),
    # Marketing openers and calls to action, per channel.
    "open:marketing:ad": (
        "営業チームの新しい選択肢。",
        "パイプライン管理を、もっとスマートに。",
        "{product}、登場。",
        "勘に頼る営業は、もう終わり。",
        "スピード感のあるチームのために。",
        "トップ営業チームが選ぶのには、理由があります。",
    ),
    "open:marketing:landing_page": (
        "伸びているB2B企業が選ぶ、売上プラットフォーム。",
        "営業とマーケティングに必要なすべてを、ひとつに。",
        "{product}：パイプラインをもっと賢く管理する方法。",
        "もっと賢く働いて、もっと受注しよう。",
        "世界3,000社以上のB2Bチームが信頼しています。",
        "顧客対応の新しいスタンダードへ、ようこそ。",
    ),
    "open:marketing:email": (
        "いつもお世話になっております。",
        "{product}チームです。いつもご愛顧いただきありがとうございます。",
        "突然のご連絡失礼いたします。",
        "先日はホワイトペーパーをダウンロードいただき、ありがとうございました。",
        "こんにちは。{product}編集部です。",
        "平素より格別のお引き立てを賜り、誠にありがとうございます。",
    ),
    "close:marketing:ad": (
        "今すぐ無料トライアルを。",
        "デモを予約する",
        "14日間、無料でお試しいただけます。",
        "実際の画面をご覧ください。",
        "クレジットカード登録不要で、今すぐスタート。",
        "詳しくはこちら",
    ),
    "close:marketing:landing_page": (
        "無料トライアルを始める（クレジットカード不要）",
        "専門スタッフによる20分のデモを予約",
        "お役立ち資料を無料ダウンロード",
        "すでに数千のチームが活用中。あなたも今すぐ始めませんか。",
        "営業担当に相談する",
        "資料請求はこちら",
    ),
    "close:marketing:email": (
        "ご興味をお持ちいただけましたら、下記リンクからデモをお申し込みください。",
        "本メールにご返信いただければ、トライアル用アカウントをご用意いたします。",
        "今後とも{product}をよろしくお願いいたします。",
        "資料の全文は、下記リンクよりダウンロードいただけます。",
        "ご不明な点がございましたら、お気軽にお問い合わせください。",
        "ぜひこの機会に、14日間の無料トライアルをお試しください。",
    ),
    # Sales openers and closers: call-note summaries and next steps, email greetings and sign-offs.
    "open:sales:call_note": (
        "先方の部長と電話で打ち合わせ。",
        "顧客とのディスカバリーコールを実施。",
        "営業本部長およびチームリーダー2名と面談。",
        "経理担当者とフォローアップの電話。",
        "社内推進者と短時間の状況確認。",
        "ウェビナー経由のリードと初回通話。",
        "RevOpsチーム向けにデモを45分実施。",
    ),
    "close:sales:call_note": (
        "次回：金曜日までに提案書を送付。",
        "ネクストアクション：事例資料を共有し、来週火曜に次回打ち合わせを調整。",
        "TODO：拡大デモの日程を調整。",
        "CFOと協議後、来週改めて連絡予定。",
        "次回：共同の実行計画を作成し、水曜日までに共有。",
        "本日中に議事録メールとカレンダー招待を送付。",
    ),
    "open:sales:sales_email": (
        "本日はお時間をいただき、ありがとうございました。",
        "今朝はお電話にてありがとうございました。",
        "先週のお打ち合わせの件で、ご連絡いたしました。",
        "いつもお世話になっております。先日はありがとうございました。",
        "現在の業務フローについて詳しくお聞かせいただき、重ねて御礼申し上げます。",
        "火曜日のデモの件で、改めてご連絡差し上げました。",
    ),
    "close:sales:sales_email": (
        "木曜日の14時に、改めてお打ち合わせのお時間をいただけますでしょうか。",
        "来週どこかで30分ほどお時間をいただけますと幸いです。",
        "ご不明点があればお気軽にお知らせください。月曜日に少しお電話できればと存じます。",
        "ご返信をお待ちしております。引き続きよろしくお願いいたします。",
        "次回のお打ち合わせには、弊社のソリューションエンジニアも同席させていただきます。",
        "来週前半で、再度お話しできるお時間はございますでしょうか。",
    ),
    # Questions: discovery questions from a rep, rhetorical questions in marketing copy.
    "question:sales": (
        "今回のプロジェクトのご予算は、どの程度を想定されていますか。",
        "いつ頃までに新しい仕組みを整えたいとお考えでしょうか。",
        "最終的なご判断には、どなたが関わられますか。",
        "現在、パイプライン管理にはどのようなツールをお使いですか？",
        "今の業務プロセスで、一番のボトルネックはどこでしょうか。",
        "今回の取り組みは、今期のどの目標と関係していますか。",
        "日常的に使われる方は、何名くらいになりそうでしょうか。",
        "前に進めるためには、どのような条件がそろう必要がありますか。",
        "これまでに他のソリューションをご検討されたことはありますか？",
        "この課題を半年以内に解決できなかった場合、どのような影響がありますか。",
    ),
    "question:marketing": (
        "5つのツールを行き来して、情報を追いかけることに疲れていませんか？",
        "いまだにExcelで営業管理をしていませんか？",
        "毎週1日多く時間があったら、チームは何ができるでしょうか。",
        "勘に頼った営業から、卒業しませんか？",
        "トップ営業チームが30%多く受注できる理由とは？",
        "御社のパイプライン、本当に健全ですか？",
    ),
}

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {"en": _EN, "ko": _KO, "ja": _JA}

# CLAIM_KEYWORDS[lang][claim]: lowercase keywords or stems. Every "claim:<c>" and "sales_claim:<c>"
# sentence of that language contains one of c's keywords (case-insensitive substring match); no
# sentence of another claim, no drift sentence and no opener, closer or question contains any.
CLAIM_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "fast_setup": (
            "set up",
            "setup",
            "up and running",
            "onboard",
            "go live",
            "go-live",
            "live in",
            "live within",
            "deploy",
            "rollout",
            "implementation",
        ),
        "integrations": ("integrat", "salesforce", "hubspot", "slack", "sync", "plugs into"),
        "security": (
            "secur",
            "soc 2",
            "encrypt",
            "gdpr",
            "single sign-on",
            "complian",
            "privacy",
            "penetration test",
            "audit log",
        ),
        "cost_savings": ("cost", "save", "saving", "roi", "return on investment", "spend"),
        "support": (
            "support",
            "24/7",
            "success manager",
            "customer success",
            "around the clock",
            "help desk",
        ),
        "analytics": ("dashboard", "insight", "report", "metric", "kpi", "forecast", "trend"),
        "scalability": ("scale", "million", "billion", "grows with", "grow with"),
        "ease_of_use": (
            "easy",
            "easi",
            "intuitive",
            "simpl",
            "no training",
            "user-friendly",
            "learning curve",
        ),
    },
    "ko": {
        "fast_setup": ("설정", "세팅", "셋업", "온보딩", "구축", "하루 만에", "가동"),
        "integrations": ("연동", "연결", "동기화", "통합", "salesforce", "hubspot", "slack", "api"),
        "security": (
            "보안",
            "암호화",
            "soc 2",
            "gdpr",
            "isms",
            "개인정보",
            "접근 권한",
            "감사 로그",
        ),
        "cost_savings": ("비용", "절감", "절약", "roi", "투자 대비", "아끼"),
        "support": ("지원", "서포트", "24시간", "전담 매니저", "고객 성공", "헬프데스크"),
        "analytics": (
            "대시보드",
            "인사이트",
            "리포트",
            "보고서",
            "분석",
            "지표",
            "시각화",
            "kpi",
            "예측",
        ),
        "scalability": ("확장", "수백만", "수천만", "수십억", "대규모", "스케일", "함께 성장"),
        "ease_of_use": ("쉽", "쉬운", "쉬워", "간편", "직관", "교육 없이", "누구나", "간단"),
    },
    "ja": {
        "fast_setup": (
            "導入",
            "セットアップ",
            "初期設定",
            "設定",
            "オンボーディング",
            "稼働",
            "立ち上げ",
            "即日",
        ),
        "integrations": (
            "連携",
            "統合",
            "接続",
            "同期",
            "salesforce",
            "hubspot",
            "slack",
            "api",
            "kintone",
        ),
        "security": (
            "セキュリティ",
            "暗号化",
            "soc 2",
            "gdpr",
            "isms",
            "個人情報",
            "アクセス権限",
            "監査ログ",
            "脆弱性",
        ),
        "cost_savings": ("コスト", "削減", "roi", "費用対効果", "節約", "投資を回収"),
        "support": ("サポート", "24時間", "専任", "カスタマーサクセス", "ヘルプデスク"),
        "analytics": (
            "ダッシュボード",
            "分析",
            "レポート",
            "可視化",
            "インサイト",
            "指標",
            "kpi",
            "予測",
        ),
        "scalability": ("拡張", "スケール", "数百万", "数千万", "数億", "大規模"),
        "ease_of_use": (
            "簡単",
            "かんたん",
            "直感",
            "使いやす",
            "誰でも",
            "研修なし",
            "マニュアル不要",
            "シンプル",
        ),
    },
}

# DRIFT_KEYWORDS[lang][topic]: the same for the drift topics. Every "drift:<t>" sentence contains
# one of t's keywords; no sentence of another topic, no claim or sales-claim sentence and no
# opener, closer or question contains any.
DRIFT_KEYWORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "price": (
            "price",
            "pricing",
            "per seat",
            "per-seat",
            "per user",
            "per-user",
            "tier",
            "per month",
            "license fee",
        ),
        "discount": ("discount", "% off", "promo", "end of the quarter", "end-of-quarter", "waive"),
        "roadmap": (
            "roadmap",
            "next quarter",
            "release",
            "beta",
            "later this year",
            "in development",
            "next version",
            "early access",
            "coming soon",
        ),
        "contract": (
            "contract",
            "multi-year",
            "cancel",
            "procurement",
            "legal",
            "renewal",
            "terms",
            "countersign",
        ),
        "competitor": (
            "competitor",
            "switch",
            "vendor",
            "compared to",
            "comparison",
            "incumbent",
            "alternative",
            "migrate",
        ),
    },
    "ko": {
        "price": ("가격", "단가", "요금", "정가", "사용자당", "견적"),
        "discount": ("할인", "프로모션", "특가", "면제", "분기 말"),
        "roadmap": (
            "로드맵",
            "다음 분기",
            "출시",
            "개발 중",
            "베타",
            "하반기",
            "릴리스",
            "얼리 액세스",
            "다음 버전",
        ),
        "contract": (
            "계약",
            "약정",
            "해지 조항",
            "중도 해지",
            "법무",
            "구매팀",
            "구매 부서",
            "갱신",
            "조항",
        ),
        "competitor": ("경쟁사", "타사", "비교", "갈아타", "다른 벤더", "기존 솔루션"),
    },
    "ja": {
        "price": ("価格", "料金", "単価", "定価", "プラン", "見積"),
        "discount": ("割引", "値引", "キャンペーン", "期末", "特別条件", "無償"),
        "roadmap": (
            "ロードマップ",
            "来期",
            "次の四半期",
            "リリース",
            "開発中",
            "ベータ",
            "下期",
            "次期バージョン",
            "アーリーアクセス",
        ),
        "contract": ("契約", "解約", "法務", "購買", "約款", "更新", "稟議", "条項"),
        "competitor": ("競合", "他社", "比較", "乗り換え", "リプレイス", "他のベンダー"),
    },
}
