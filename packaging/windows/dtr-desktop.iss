; Inno Setup 6 script for dtr-desktop on Windows (64-bit).
; Not built on the project's Linux machines: see packaging/README.md for the
; exact steps on a Windows build host. It packs the PyInstaller folder that
; packaging/dtr-desktop.spec makes, the same program files as the .deb.
;   iscc /DAppVersion=0.1.0 packaging\windows\dtr-desktop.iss

#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z dtr-desktop.iss
#endif
#define BuildDir "..\..\build\pyinstaller\dist\dtr-desktop"

[Setup]
AppId={{6C1F4A52-8E0B-4D7A-9B61-2F3D5A7C9E10}
AppName=DTR Desktop
AppVersion={#AppVersion}
AppPublisher=The dtr-desktop maintainers
DefaultDirName={autopf}\DTR Desktop
DefaultGroupName=DTR Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=dtr-desktop-{#AppVersion}-setup
SetupIconFile=dtr-desktop.ico
UninstallDisplayIcon={app}\dtr-desktop.exe
Compression=lzma2/max
SolidCompression=yes
ChangesEnvironment=yes
WizardStyle=modern

[Files]
Source: "{#BuildDir}\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Dirs]
; Where an administrator puts policy.toml (readable by all, writable by admins).
Name: "{commonappdata}\dtr-desktop"

[Icons]
Name: "{autoprograms}\DTR Desktop"; Filename: "{app}\dtr-desktop.exe"
Name: "{autodesktop}\DTR Desktop"; Filename: "{app}\dtr-desktop.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: unchecked

[Registry]
; docker.exe finds docker-credential-dtr-desktop.exe on the system PATH.
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
    ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; \
    Check: PathLacksApp

[Run]
Filename: "{app}\dtr-desktop.exe"; Description: "{cm:LaunchProgram,DTR Desktop}"; \
    Flags: nowait postinstall skipifsilent

[Code]
const EnvKey = 'SYSTEM\CurrentControlSet\Control\Session Manager\Environment';

function PathLacksApp(): Boolean;
var Current: string;
begin
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Current) then
    Result := True
  else
    Result := Pos(';' + Uppercase(ExpandConstant('{app}')) + ';',
                  ';' + Uppercase(Current) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var Current, Entry: string; At: Integer;
begin
  if CurUninstallStep <> usPostUninstall then Exit;
  if not RegQueryStringValue(HKLM, EnvKey, 'Path', Current) then Exit;
  Entry := ';' + ExpandConstant('{app}');
  At := Pos(Uppercase(Entry), Uppercase(Current));
  if At > 0 then
  begin
    Delete(Current, At, Length(Entry));
    RegWriteExpandStringValue(HKLM, EnvKey, 'Path', Current);
  end;
end;
