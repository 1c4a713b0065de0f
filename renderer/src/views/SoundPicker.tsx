import { useState } from 'react';
import { describeError } from '../api';
import { useCommand, useDashboard } from '../hooks';
import { SOUND_TIERS, type SoundTier } from './overlayUrl';

/** Largest file the app accepts (checked here too, so a big file fails before uploading). */
const MAX_SOUND_BYTES = 2 * 1024 * 1024;

const TIER_LABEL: Record<SoundTier, string> = {
  toast: 'Small (toast)',
  standard: 'Standard',
  big: 'Big',
  celebration: 'Celebration',
};

/** A file's content as base64, without the data-URL prefix. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = typeof reader.result === 'string' ? reader.result : '';
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

/**
 * The alert sound: upload an MP3/Ogg/WAV to the app (the overlay may only load media from the
 * app itself), pick it, its volume and the tiers that play it. Off by default.
 */
export function SoundPicker(props: {
  sound: string;
  volume: number;
  tiers: SoundTier[];
  onChange: (next: { sound?: string; volume?: number; tiers?: SoundTier[] }) => void;
}) {
  const { client, notify } = useDashboard();
  const sounds = useCommand('sounds.list', {});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = sounds.data ?? [];
  const known = list.some((s) => s.path === props.sound);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    if (file.size > MAX_SOUND_BYTES) {
      return setError('The sound file is larger than 2 MiB. Use a shorter clip.');
    }
    setBusy(true);
    try {
      const stored = await client.invoke('sounds.upload', {
        fileName: file.name,
        dataBase64: await base64Of(file),
      });
      sounds.reload();
      props.onChange({ sound: stored.path });
      notify('ok', 'Sound uploaded and chosen for the alerts.');
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const chosen = list.find((s) => s.path === props.sound);
    if (!chosen || !window.confirm('Delete this sound? Overlays using it go silent.')) return;
    try {
      await client.invoke('sounds.delete', { name: chosen.name });
      props.onChange({ sound: '' });
      sounds.reload();
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <fieldset>
      <legend>Alert sound</legend>
      <div className="form-grid">
        <label>
          Sound
          <select
            name="sound"
            value={props.sound}
            onChange={(e) => props.onChange({ sound: e.target.value })}
          >
            <option value="">No sound</option>
            {list.map((s) => (
              <option key={s.name} value={s.path}>
                {s.name}
              </option>
            ))}
            {props.sound && !known ? <option value={props.sound}>{props.sound}</option> : null}
          </select>
        </label>
        <label>
          Upload a sound (MP3, Ogg or WAV, up to 2 MiB)
          <input
            type="file"
            name="sound-file"
            accept="audio/mpeg,audio/ogg,audio/wav,.mp3,.ogg,.wav"
            disabled={busy}
            onChange={(e) => {
              void upload(e.target.files?.[0]);
              e.target.value = '';
            }}
          />
        </label>
        <label>
          Volume ({props.volume}%)
          <input
            type="range"
            name="volume"
            min={0}
            max={100}
            value={props.volume}
            onChange={(e) => props.onChange({ volume: Number(e.target.value) })}
          />
        </label>
      </div>
      <div className="form-grid" role="group" aria-label="Tiers that play the sound">
        {SOUND_TIERS.map((t) => (
          <label key={t} className="check">
            <input
              type="checkbox"
              name={`sound-tier-${t}`}
              checked={props.tiers.includes(t)}
              onChange={(e) =>
                props.onChange({
                  tiers: e.target.checked
                    ? SOUND_TIERS.filter((x) => x === t || props.tiers.includes(x))
                    : props.tiers.filter((x) => x !== t),
                })
              }
            />{' '}
            {TIER_LABEL[t]}
          </label>
        ))}
      </div>
      {busy ? <p className="muted small">Uploading…</p> : null}
      {error ? (
        <p className="error-text" role="alert" data-testid="sound-error">
          {error}
        </p>
      ) : null}
      {known ? (
        <div className="form-actions left">
          <button type="button" className="btn btn-ghost btn-small" onClick={() => void remove()}>
            Delete this sound
          </button>
        </div>
      ) : null}
      <p className="muted small">
        In OBS tick &quot;Control audio via OBS&quot; on the source to hear it in your stream.
      </p>
    </fieldset>
  );
}
