/* locale_table.h: what each command prints in each language kbscan reads,
 * one row per locale, for tests/unit/test_locales.c, which renders every
 * command's output from these strings, encodes it every way Windows saves
 * it and checks what the parsers read. Which strings were checked against
 * real output and which are best-effort: docs/locales.md. The last row is
 * a language nobody listed (made-up words): structure alone must do. */
#ifndef KB_LOCALE_TABLE_H
#define KB_LOCALE_TABLE_H

typedef struct locale_row {
    const char *locale;  /* what kbscan reports; NULL for the made-up row */
    const char *oem;     /* the console code page cmd.exe writes, for iconv */
    /* vssadmin list writers */
    const char *vss_tool;       /* banner: "vssadmin 1.1 - <tool>" */
    const char *writer_name, *writer_id, *instance_id, *state, *last_error;
    const char *quote;          /* around writer names */
    const char *stable, *failed;
    const char *no_error, *retryable;
    const char *waiting;        /* the "Waiting for responses" line */
    const char *error_prefix;   /* "Error" in "Error: ..." */
    /* tasklist /svc */
    const char *image, *services, *no_tasks;
    /* systeminfo */
    const char *host, *os_name, *os_version, *manufacturer, *model, *boot_time;
    /* sc qc: only the display name is localised */
    const char *eventsystem_display;
    /* the banner's program name when it is not "vssadmin" (Russian Windows prints "VSSADMIN") */
    const char *vss_name;
} locale_row;

static const locale_row locale_rows[] = {
    {"en", "CP437",
     "Volume Shadow Copy Service administrative command-line tool",
     "Writer name", "Writer Id", "Writer Instance Id", "State", "Last error", "'",
     "Stable", "Failed", "No error", "Retryable error",
     "Waiting for responses.", "Error",
     "Image Name", "Services", "INFO: No tasks are running which match the specified criteria.",
     "Host Name", "OS Name", "OS Version", "System Manufacturer", "System Model", "System Boot Time",
     "COM+ Event System", NULL},
    {"ja", "CP932",
     "ボリューム シャドウ コピー サービス管理コマンド ライン ツール",
     "ライター名", "ライター ID", "ライター インスタンス ID", "状態", "最後のエラー", "'",
     "安定", "失敗", "エラーなし", "再試行可能なエラー",
     "応答を待っています...", "エラー",
     "イメージ名", "サービス", "情報: 指定された条件に一致するタスクは実行されていません。",
     "ホスト名", "OS 名", "OS バージョン", "システム製造元", "システム モデル", "システム起動時間",
     "COM+ Event System", NULL},
    {"de", "CP850",
     "Verwaltungsbefehlszeilenprogramm des Volumeschattenkopie-Dienstes",
     "Verfassername", "Verfasserkennung", "Verfasserinstanzkennung", "Status", "Letzter Fehler", "\"",
     "Stabil", "Fehlgeschlagen", "Kein Fehler", "Wiederholbarer Fehler",
     "Warten auf Antworten.", "Fehler",
     "Abbildname", "Dienste",
     "INFORMATION: Es werden keine Aufgaben mit den angegebenen Kriterien ausgeführt.",
     "Hostname", "Betriebssystemname", "Betriebssystemversion", "Systemhersteller", "Systemmodell",
     "Systemstartzeit", "COM+-Ereignissystem", NULL},
    {"fr", "CP850",
     "Outil ligne de commande d'administration du service de cliché instantané de volume",
     "Nom du rédacteur", "ID du rédacteur", "ID d'instance du rédacteur", "État", "Dernière erreur", "'",
     "Stable", "Échec", "Aucune erreur", "Erreur récupérable",
     "Attente de réponses.", "Erreur",
     "Nom de l'image", "Services", "INFO : Aucune tâche en cours d'exécution ne correspond aux critères spécifiés.",
     "Nom de l'hôte", "Nom du système d'exploitation", "Version du système", "Fabricant du système",
     "Modèle du système", "Heure de démarrage du système", "Système d'événements COM+", NULL},
    {"es", "CP850",
     "Herramienta de línea de comandos de administración del Servicio de instantáneas de volumen",
     "Nombre de escritor", "Id. de escritor", "Id. de instancia de escritor", "Estado", "Último error", "'",
     "Estable", "Error", "Sin error", "Error que se puede reintentar",
     "Esperando respuestas.", "Error",
     "Nombre de imagen", "Servicios",
     "INFORMACIÓN: No hay tareas ejecutándose que coincidan con los criterios especificados.",
     "Nombre de host", "Nombre del sistema operativo", "Versión del sistema operativo",
     "Fabricante del sistema", "Modelo el sistema", "Hora de arranque del sistema",
     "Sistema de eventos COM+", NULL},
    {"it", "CP850",
     "Strumento da riga di comando per l'amministrazione del servizio Copia Shadow del volume",
     "Nome writer", "ID writer", "ID istanza writer", "Stato", "Ultimo errore", "'",
     "Stabile", "Non riuscito", "Nessun errore", "Errore non irreversibile",
     "In attesa di risposte.", "Errore",
     "Nome immagine", "Servizi",
     "INFORMAZIONI: Nessuna attività in esecuzione corrisponde ai criteri specificati.",
     "Nome host", "Nome SO", "Versione SO", "Produttore sistema", "Modello sistema",
     "Tempo di avvio sistema", "Sistema eventi COM+", NULL},
    {"pt-BR", "CP850",
     "Ferramenta de linha de comando administrativa do Serviço de Cópias de Sombra de Volume",
     "Nome do gravador", "Identificação do gravador", "Identificação da instância do gravador", "Estado",
     "Último erro", "'", "Estável", "Falha", "Nenhum erro", "Erro repetível",
     "Aguardando respostas.", "Erro",
     "Nome da imagem", "Serviços",
     "INFORMAÇÕES: Nenhuma tarefa em execução corresponde aos critérios especificados.",
     "Nome do host", "Nome do sistema operacional", "Versão do sistema operacional",
     "Fabricante do sistema", "Modelo do sistema", "Tempo de Inicialização do Sistema",
     "Sistema de Eventos COM+", NULL},
    {"zh-CN", "CP936",
     "卷影复制服务管理命令行工具",
     "写入程序名称", "写入程序 ID", "写入程序实例 ID", "状态", "上一个错误", "'",
     "稳定", "失败", "无错误", "可重试的错误",
     "正在等待响应。", "错误",
     "映像名称", "服务", "信息: 没有运行的任务匹配指定标准。",
     "主机名", "OS 名称", "OS 版本", "系统制造商", "系统型号", "系统启动时间",
     "COM+ Event System", NULL},
    {"zh-TW", "CP950",
     "磁碟區陰影複製服務系統管理命令列工具",
     "寫入器名稱", "寫入器識別碼", "寫入器執行個體識別碼", "狀態", "上次錯誤", "'",
     "穩定", "失敗", "沒有錯誤", "可重試的錯誤",
     "正在等候回應...", "錯誤",
     "影像名稱", "服務", "資訊: 沒有執行中的工作符合指定的準則。",
     "主機名稱", "作業系統名稱", "作業系統版本", "系統製造商", "系統型號", "系統開機時間",
     "COM+ Event System", NULL},
    {"ko", "CP949",
     "볼륨 섀도 복사본 서비스 관리 명령줄 도구",
     "기록기 이름", "기록기 ID", "기록기 인스턴스 ID", "상태", "마지막 오류", "'",
     "안정됨", "실패", "오류 없음", "다시 시도할 수 있는 오류",
     "응답을 기다리는 중...", "오류",
     "이미지 이름", "서비스", "정보: 지정된 조건에 일치하는 작업이 실행되고 있지 않습니다.",
     "호스트 이름", "OS 이름", "OS 버전", "시스템 제조업체", "시스템 모델", "시스템 부트 시간",
     "COM+ Event System", NULL},
    /* vssadmin: the banner, labels, quotes, "Стабильный" and "Нет ошибок" of a real capture. */
    {"ru", "CP866",
     "Утилита теневого копирования тома",
     "Имя компонента записи", "Id компонента записи", "Id экземпляра компонента записи", "Состояние",
     "Последняя ошибка", "\"", "Стабильный", "Сбой", "Нет ошибок", "Повторяемая ошибка",
     "Ожидание ответа...", "Ошибка",
     "Имя образа", "Службы", "ИНФОРМАЦИЯ: Задачи, отвечающие заданным критериям, отсутствуют.",
     "Имя узла", "Название ОС", "Версия ОС", "Изготовитель системы", "Модель системы",
     "Время загрузки системы", "Система событий COM+", "VSSADMIN"},
    /* A language nobody listed: only structure can read it. */
    {NULL, "CP437",
     "Ilo por administri la ombrokopian servon",
     "Verkila nomo", "Verkila identigilo", "Verkila ekzemplero", "Stato", "Lasta eraro", "'",
     "Stabila", "Malsukcesis", "Neniu eraro", "Reprovebla eraro",
     "Atendante respondojn.", "Eraro",
     "Bildonomo", "Servoj", "INFORMO: neniu tasko kongruas.",
     "Gastiga nomo", "OS-nomo", "OS-versio", "Sistemfaristo", "Sistemmodelo", "Sistemstarto",
     "COM+ Eventsistemo", NULL},
};

#endif
