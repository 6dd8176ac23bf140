/**
 * The e-mail, SMS and page strings in the 11 caregiver languages of the earlier implementation.
 * `{name}`, `{org}`, `{code}`, `{hours}` are placeholders filled by `translate`. Kept in code (not JSON
 * assets) so they are typed, bundled by the build and checked for completeness by the compiler.
 */
export const LOCALES = ['en', 'es', 'fr', 'de', 'zh', 'ja', 'pt', 'it', 'ru', 'ko', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];

export interface Strings {
  greeting: string;
  greetingAnonymous: string;
  verifySubject: string;
  verifyText: string;
  verifyButton: string;
  verifyExpiry: string;
  resetSubject: string;
  resetText: string;
  resetButton: string;
  resetExpiry: string;
  resetIgnore: string;
  inviteSubject: string;
  inviteText: string;
  inviteButton: string;
  inviteExpiry: string;
  smsCode: string;
  pageVerifiedTitle: string;
  pageAlreadyVerifiedTitle: string;
  pageVerifiedMessage: string;
  pageAlreadyVerifiedMessage: string;
  pageContinue: string;
  pageFailedTitle: string;
  pageFailedMessage: string;
  pageLogin: string;
}

export const STRINGS: Record<Locale, Strings> = {
  en: {
    greeting: 'Hello {name},',
    greetingAnonymous: 'Hello,',
    verifySubject: 'Verify your email address',
    verifyText: 'Please confirm your email address to finish setting up your Bianca account.',
    verifyButton: 'Verify email',
    verifyExpiry: 'This link expires in {hours} hours.',
    resetSubject: 'Reset your password',
    resetText: 'We received a request to reset the password of your Bianca account.',
    resetButton: 'Reset password',
    resetExpiry: 'This link expires in 15 minutes.',
    resetIgnore: 'If you did not ask for this, you can ignore this email; your password stays unchanged.',
    inviteSubject: 'You have been invited to {org} on Bianca',
    inviteText: '{org} has invited you to join their care team on Bianca.',
    inviteButton: 'Accept invitation',
    inviteExpiry: 'This invitation expires in 7 days.',
    smsCode: 'Your Bianca verification code is {code}. It expires in 10 minutes.',
    pageVerifiedTitle: 'Email verified',
    pageAlreadyVerifiedTitle: 'Email already verified',
    pageVerifiedMessage: 'Your email address has been verified. You can now use Bianca.',
    pageAlreadyVerifiedMessage: 'Your email address was already verified. You can log in.',
    pageContinue: 'Continue to Bianca',
    pageFailedTitle: 'Verification failed',
    pageFailedMessage: 'This verification link is invalid or has expired. Please request a new one.',
    pageLogin: 'Go to login',
  },
  es: {
    greeting: 'Hola {name}:',
    greetingAnonymous: 'Hola:',
    verifySubject: 'Verifica tu dirección de correo electrónico',
    verifyText: 'Confirma tu dirección de correo para terminar de configurar tu cuenta de Bianca.',
    verifyButton: 'Verificar correo',
    verifyExpiry: 'Este enlace caduca en {hours} horas.',
    resetSubject: 'Restablece tu contraseña',
    resetText: 'Hemos recibido una solicitud para restablecer la contraseña de tu cuenta de Bianca.',
    resetButton: 'Restablecer contraseña',
    resetExpiry: 'Este enlace caduca en 15 minutos.',
    resetIgnore: 'Si no lo solicitaste, ignora este correo; tu contraseña no cambiará.',
    inviteSubject: 'Te han invitado a {org} en Bianca',
    inviteText: '{org} te ha invitado a unirte a su equipo de cuidado en Bianca.',
    inviteButton: 'Aceptar invitación',
    inviteExpiry: 'Esta invitación caduca en 7 días.',
    smsCode: 'Tu código de verificación de Bianca es {code}. Caduca en 10 minutos.',
    pageVerifiedTitle: 'Correo verificado',
    pageAlreadyVerifiedTitle: 'Correo ya verificado',
    pageVerifiedMessage: 'Tu dirección de correo ha sido verificada. Ya puedes usar Bianca.',
    pageAlreadyVerifiedMessage: 'Tu dirección de correo ya estaba verificada. Puedes iniciar sesión.',
    pageContinue: 'Continuar a Bianca',
    pageFailedTitle: 'Verificación fallida',
    pageFailedMessage: 'Este enlace de verificación no es válido o ha caducado. Solicita uno nuevo.',
    pageLogin: 'Ir al inicio de sesión',
  },
  fr: {
    greeting: 'Bonjour {name},',
    greetingAnonymous: 'Bonjour,',
    verifySubject: 'Vérifiez votre adresse e-mail',
    verifyText: 'Veuillez confirmer votre adresse e-mail pour terminer la configuration de votre compte Bianca.',
    verifyButton: "Vérifier l'e-mail",
    verifyExpiry: 'Ce lien expire dans {hours} heures.',
    resetSubject: 'Réinitialisez votre mot de passe',
    resetText: 'Nous avons reçu une demande de réinitialisation du mot de passe de votre compte Bianca.',
    resetButton: 'Réinitialiser le mot de passe',
    resetExpiry: 'Ce lien expire dans 15 minutes.',
    resetIgnore: "Si vous n'êtes pas à l'origine de cette demande, ignorez cet e-mail ; votre mot de passe reste inchangé.",
    inviteSubject: 'Vous êtes invité(e) à rejoindre {org} sur Bianca',
    inviteText: '{org} vous invite à rejoindre son équipe de soins sur Bianca.',
    inviteButton: "Accepter l'invitation",
    inviteExpiry: 'Cette invitation expire dans 7 jours.',
    smsCode: 'Votre code de vérification Bianca est {code}. Il expire dans 10 minutes.',
    pageVerifiedTitle: 'E-mail vérifié',
    pageAlreadyVerifiedTitle: 'E-mail déjà vérifié',
    pageVerifiedMessage: 'Votre adresse e-mail a été vérifiée. Vous pouvez maintenant utiliser Bianca.',
    pageAlreadyVerifiedMessage: 'Votre adresse e-mail était déjà vérifiée. Vous pouvez vous connecter.',
    pageContinue: 'Continuer vers Bianca',
    pageFailedTitle: 'Échec de la vérification',
    pageFailedMessage: "Ce lien de vérification n'est pas valide ou a expiré. Veuillez en demander un nouveau.",
    pageLogin: 'Aller à la connexion',
  },
  de: {
    greeting: 'Hallo {name},',
    greetingAnonymous: 'Hallo,',
    verifySubject: 'Bestätigen Sie Ihre E-Mail-Adresse',
    verifyText: 'Bitte bestätigen Sie Ihre E-Mail-Adresse, um die Einrichtung Ihres Bianca-Kontos abzuschließen.',
    verifyButton: 'E-Mail bestätigen',
    verifyExpiry: 'Dieser Link läuft in {hours} Stunden ab.',
    resetSubject: 'Passwort zurücksetzen',
    resetText: 'Wir haben eine Anfrage zum Zurücksetzen des Passworts Ihres Bianca-Kontos erhalten.',
    resetButton: 'Passwort zurücksetzen',
    resetExpiry: 'Dieser Link läuft in 15 Minuten ab.',
    resetIgnore: 'Wenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.',
    inviteSubject: 'Sie wurden zu {org} bei Bianca eingeladen',
    inviteText: '{org} hat Sie eingeladen, dem Pflegeteam bei Bianca beizutreten.',
    inviteButton: 'Einladung annehmen',
    inviteExpiry: 'Diese Einladung läuft in 7 Tagen ab.',
    smsCode: 'Ihr Bianca-Bestätigungscode lautet {code}. Er läuft in 10 Minuten ab.',
    pageVerifiedTitle: 'E-Mail bestätigt',
    pageAlreadyVerifiedTitle: 'E-Mail bereits bestätigt',
    pageVerifiedMessage: 'Ihre E-Mail-Adresse wurde bestätigt. Sie können Bianca jetzt verwenden.',
    pageAlreadyVerifiedMessage: 'Ihre E-Mail-Adresse war bereits bestätigt. Sie können sich anmelden.',
    pageContinue: 'Weiter zu Bianca',
    pageFailedTitle: 'Bestätigung fehlgeschlagen',
    pageFailedMessage: 'Dieser Bestätigungslink ist ungültig oder abgelaufen. Bitte fordern Sie einen neuen an.',
    pageLogin: 'Zur Anmeldung',
  },
  zh: {
    greeting: '{name}，您好：',
    greetingAnonymous: '您好：',
    verifySubject: '验证您的电子邮件地址',
    verifyText: '请确认您的电子邮件地址以完成 Bianca 账户的设置。',
    verifyButton: '验证邮箱',
    verifyExpiry: '此链接将在 {hours} 小时后失效。',
    resetSubject: '重置您的密码',
    resetText: '我们收到了重置您 Bianca 账户密码的请求。',
    resetButton: '重置密码',
    resetExpiry: '此链接将在 15 分钟后失效。',
    resetIgnore: '如果这不是您本人的操作，请忽略此邮件，您的密码不会改变。',
    inviteSubject: '{org} 邀请您加入 Bianca',
    inviteText: '{org} 邀请您加入其在 Bianca 上的护理团队。',
    inviteButton: '接受邀请',
    inviteExpiry: '此邀请将在 7 天后失效。',
    smsCode: '您的 Bianca 验证码是 {code}，10 分钟内有效。',
    pageVerifiedTitle: '邮箱已验证',
    pageAlreadyVerifiedTitle: '邮箱此前已验证',
    pageVerifiedMessage: '您的电子邮件地址已验证，现在可以使用 Bianca。',
    pageAlreadyVerifiedMessage: '您的电子邮件地址此前已验证，您可以登录。',
    pageContinue: '继续前往 Bianca',
    pageFailedTitle: '验证失败',
    pageFailedMessage: '此验证链接无效或已过期，请重新申请。',
    pageLogin: '前往登录',
  },
  ja: {
    greeting: '{name} 様',
    greetingAnonymous: 'こんにちは。',
    verifySubject: 'メールアドレスの確認',
    verifyText: 'Bianca アカウントの設定を完了するため、メールアドレスを確認してください。',
    verifyButton: 'メールアドレスを確認',
    verifyExpiry: 'このリンクの有効期限は {hours} 時間です。',
    resetSubject: 'パスワードの再設定',
    resetText: 'Bianca アカウントのパスワード再設定のリクエストを受け付けました。',
    resetButton: 'パスワードを再設定',
    resetExpiry: 'このリンクの有効期限は 15 分です。',
    resetIgnore: 'お心当たりがない場合は、このメールを無視してください。パスワードは変更されません。',
    inviteSubject: '{org} から Bianca への招待が届いています',
    inviteText: '{org} から Bianca のケアチームへの招待が届きました。',
    inviteButton: '招待を受ける',
    inviteExpiry: 'この招待の有効期限は 7 日間です。',
    smsCode: 'Bianca の確認コードは {code} です。有効期限は 10 分です。',
    pageVerifiedTitle: 'メールアドレスを確認しました',
    pageAlreadyVerifiedTitle: 'メールアドレスは確認済みです',
    pageVerifiedMessage: 'メールアドレスが確認されました。Bianca をご利用いただけます。',
    pageAlreadyVerifiedMessage: 'メールアドレスは既に確認済みです。ログインしてください。',
    pageContinue: 'Bianca へ進む',
    pageFailedTitle: '確認に失敗しました',
    pageFailedMessage: 'この確認リンクは無効か期限切れです。新しいリンクをリクエストしてください。',
    pageLogin: 'ログインへ',
  },
  pt: {
    greeting: 'Olá {name},',
    greetingAnonymous: 'Olá,',
    verifySubject: 'Verifique o seu endereço de e-mail',
    verifyText: 'Confirme o seu endereço de e-mail para concluir a configuração da sua conta Bianca.',
    verifyButton: 'Verificar e-mail',
    verifyExpiry: 'Este link expira em {hours} horas.',
    resetSubject: 'Redefina a sua senha',
    resetText: 'Recebemos um pedido para redefinir a senha da sua conta Bianca.',
    resetButton: 'Redefinir senha',
    resetExpiry: 'Este link expira em 15 minutos.',
    resetIgnore: 'Se não fez este pedido, ignore este e-mail; a sua senha não será alterada.',
    inviteSubject: 'Você foi convidado para {org} no Bianca',
    inviteText: '{org} convidou você para fazer parte da equipe de cuidados no Bianca.',
    inviteButton: 'Aceitar convite',
    inviteExpiry: 'Este convite expira em 7 dias.',
    smsCode: 'O seu código de verificação Bianca é {code}. Expira em 10 minutos.',
    pageVerifiedTitle: 'E-mail verificado',
    pageAlreadyVerifiedTitle: 'E-mail já verificado',
    pageVerifiedMessage: 'O seu endereço de e-mail foi verificado. Já pode usar o Bianca.',
    pageAlreadyVerifiedMessage: 'O seu endereço de e-mail já estava verificado. Pode iniciar sessão.',
    pageContinue: 'Continuar para o Bianca',
    pageFailedTitle: 'Falha na verificação',
    pageFailedMessage: 'Este link de verificação é inválido ou expirou. Peça um novo.',
    pageLogin: 'Ir para o login',
  },
  it: {
    greeting: 'Ciao {name},',
    greetingAnonymous: 'Ciao,',
    verifySubject: 'Verifica il tuo indirizzo email',
    verifyText: 'Conferma il tuo indirizzo email per completare la configurazione del tuo account Bianca.',
    verifyButton: 'Verifica email',
    verifyExpiry: 'Questo link scade tra {hours} ore.',
    resetSubject: 'Reimposta la password',
    resetText: 'Abbiamo ricevuto una richiesta di reimpostazione della password del tuo account Bianca.',
    resetButton: 'Reimposta password',
    resetExpiry: 'Questo link scade tra 15 minuti.',
    resetIgnore: 'Se non hai richiesto tu questa operazione, ignora questa email; la password resta invariata.',
    inviteSubject: 'Sei stato invitato in {org} su Bianca',
    inviteText: '{org} ti ha invitato a far parte del suo team di assistenza su Bianca.',
    inviteButton: 'Accetta invito',
    inviteExpiry: 'Questo invito scade tra 7 giorni.',
    smsCode: 'Il tuo codice di verifica Bianca è {code}. Scade tra 10 minuti.',
    pageVerifiedTitle: 'Email verificata',
    pageAlreadyVerifiedTitle: 'Email già verificata',
    pageVerifiedMessage: 'Il tuo indirizzo email è stato verificato. Ora puoi usare Bianca.',
    pageAlreadyVerifiedMessage: 'Il tuo indirizzo email era già verificato. Puoi accedere.',
    pageContinue: 'Continua su Bianca',
    pageFailedTitle: 'Verifica non riuscita',
    pageFailedMessage: 'Questo link di verifica non è valido o è scaduto. Richiedine uno nuovo.',
    pageLogin: "Vai all'accesso",
  },
  ru: {
    greeting: 'Здравствуйте, {name}!',
    greetingAnonymous: 'Здравствуйте!',
    verifySubject: 'Подтвердите адрес электронной почты',
    verifyText: 'Подтвердите адрес электронной почты, чтобы завершить настройку учётной записи Bianca.',
    verifyButton: 'Подтвердить адрес',
    verifyExpiry: 'Ссылка действительна {hours} часа.',
    resetSubject: 'Сброс пароля',
    resetText: 'Мы получили запрос на сброс пароля вашей учётной записи Bianca.',
    resetButton: 'Сбросить пароль',
    resetExpiry: 'Ссылка действительна 15 минут.',
    resetIgnore: 'Если вы не запрашивали сброс, просто проигнорируйте это письмо — пароль не изменится.',
    inviteSubject: 'Вас пригласили в {org} в Bianca',
    inviteText: '{org} приглашает вас присоединиться к команде по уходу в Bianca.',
    inviteButton: 'Принять приглашение',
    inviteExpiry: 'Приглашение действительно 7 дней.',
    smsCode: 'Ваш код подтверждения Bianca: {code}. Он действителен 10 минут.',
    pageVerifiedTitle: 'Адрес подтверждён',
    pageAlreadyVerifiedTitle: 'Адрес уже подтверждён',
    pageVerifiedMessage: 'Ваш адрес электронной почты подтверждён. Теперь вы можете пользоваться Bianca.',
    pageAlreadyVerifiedMessage: 'Ваш адрес электронной почты уже был подтверждён. Вы можете войти.',
    pageContinue: 'Перейти в Bianca',
    pageFailedTitle: 'Не удалось подтвердить',
    pageFailedMessage: 'Ссылка недействительна или устарела. Запросите новую.',
    pageLogin: 'Ко входу',
  },
  ko: {
    greeting: '{name}님, 안녕하세요.',
    greetingAnonymous: '안녕하세요.',
    verifySubject: '이메일 주소를 인증해 주세요',
    verifyText: 'Bianca 계정 설정을 마치려면 이메일 주소를 인증해 주세요.',
    verifyButton: '이메일 인증',
    verifyExpiry: '이 링크는 {hours}시간 후 만료됩니다.',
    resetSubject: '비밀번호 재설정',
    resetText: 'Bianca 계정의 비밀번호 재설정 요청을 받았습니다.',
    resetButton: '비밀번호 재설정',
    resetExpiry: '이 링크는 15분 후 만료됩니다.',
    resetIgnore: '요청하지 않으셨다면 이 이메일을 무시하세요. 비밀번호는 변경되지 않습니다.',
    inviteSubject: '{org}에서 Bianca로 초대했습니다',
    inviteText: '{org}에서 Bianca 돌봄 팀에 참여하도록 초대했습니다.',
    inviteButton: '초대 수락',
    inviteExpiry: '이 초대는 7일 후 만료됩니다.',
    smsCode: 'Bianca 인증 코드는 {code}입니다. 10분 후 만료됩니다.',
    pageVerifiedTitle: '이메일 인증 완료',
    pageAlreadyVerifiedTitle: '이미 인증된 이메일',
    pageVerifiedMessage: '이메일 주소가 인증되었습니다. 이제 Bianca를 사용할 수 있습니다.',
    pageAlreadyVerifiedMessage: '이메일 주소가 이미 인증되어 있습니다. 로그인하세요.',
    pageContinue: 'Bianca로 계속',
    pageFailedTitle: '인증 실패',
    pageFailedMessage: '이 인증 링크가 유효하지 않거나 만료되었습니다. 새 링크를 요청하세요.',
    pageLogin: '로그인으로 이동',
  },
  ar: {
    greeting: 'مرحبًا {name}،',
    greetingAnonymous: 'مرحبًا،',
    verifySubject: 'تحقق من عنوان بريدك الإلكتروني',
    verifyText: 'يرجى تأكيد عنوان بريدك الإلكتروني لإكمال إعداد حسابك في Bianca.',
    verifyButton: 'تأكيد البريد الإلكتروني',
    verifyExpiry: 'تنتهي صلاحية هذا الرابط خلال {hours} ساعة.',
    resetSubject: 'إعادة تعيين كلمة المرور',
    resetText: 'تلقينا طلبًا لإعادة تعيين كلمة مرور حسابك في Bianca.',
    resetButton: 'إعادة تعيين كلمة المرور',
    resetExpiry: 'تنتهي صلاحية هذا الرابط خلال 15 دقيقة.',
    resetIgnore: 'إذا لم تطلب ذلك، يمكنك تجاهل هذه الرسالة؛ ستبقى كلمة مرورك دون تغيير.',
    inviteSubject: 'تمت دعوتك إلى {org} على Bianca',
    inviteText: 'دعتك {org} للانضمام إلى فريق الرعاية على Bianca.',
    inviteButton: 'قبول الدعوة',
    inviteExpiry: 'تنتهي صلاحية هذه الدعوة خلال 7 أيام.',
    smsCode: 'رمز التحقق الخاص بك في Bianca هو {code}. تنتهي صلاحيته خلال 10 دقائق.',
    pageVerifiedTitle: 'تم تأكيد البريد الإلكتروني',
    pageAlreadyVerifiedTitle: 'البريد الإلكتروني مؤكد مسبقًا',
    pageVerifiedMessage: 'تم تأكيد عنوان بريدك الإلكتروني. يمكنك الآن استخدام Bianca.',
    pageAlreadyVerifiedMessage: 'عنوان بريدك الإلكتروني مؤكد مسبقًا. يمكنك تسجيل الدخول.',
    pageContinue: 'المتابعة إلى Bianca',
    pageFailedTitle: 'فشل التحقق',
    pageFailedMessage: 'رابط التحقق هذا غير صالح أو منتهي الصلاحية. يرجى طلب رابط جديد.',
    pageLogin: 'الذهاب إلى تسجيل الدخول',
  },
};

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Best locale for a stored preference or an Accept-Language header; English otherwise. */
export function resolveLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const candidate of candidates) {
    if (!candidate) continue;
    for (const part of candidate.split(',')) {
      const tag = part.split(';')[0]?.trim().toLowerCase().split('-')[0];
      if (isLocale(tag)) return tag;
    }
  }
  return 'en';
}

export function translate(locale: Locale, key: keyof Strings, values: Record<string, string | number> = {}): string {
  return STRINGS[locale][key].replace(/\{(\w+)\}/g, (match, name: string) => (name in values ? String(values[name]) : match));
}
