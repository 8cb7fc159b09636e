/**
 * Frequent passwords of 8+ characters from public breach corpora (lower-cased).
 * Shorter ones are already refused by the length rule.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  "password", "password1", "password12", "password123", "password1234", "passw0rd", "p@ssw0rd", "p@ssword",
  "12345678", "123456789", "1234567890", "0123456789", "12345678910", "87654321", "987654321", "11111111",
  "111111111", "00000000", "88888888", "66666666", "12341234", "11223344", "12121212", "123123123",
  "1q2w3e4r", "1q2w3e4r5t", "1qaz2wsx", "qwertyui", "qwertyuiop", "qwerty123", "qwerty1234", "qwerty12",
  "asdfghjk", "asdfghjkl", "zxcvbnm1", "zxcvbnm123", "abcd1234", "abc12345", "abcdefgh", "aa123456",
  "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "welcome1", "welcome123",
  "whatever", "trustno1", "superman", "batman123", "starwars", "michael1", "jennifer", "computer",
  "corvette", "mercedes", "internet", "liverpool", "chelsea1", "arsenal1", "dragon123", "master123",
  "letmein1", "letmein123", "admin123", "administrator", "changeme", "changeme123", "secret123",
  "passport", "samsung1", "sunshine1", "shadow123", "monkey123", "charlie1", "jordan23", "michelle",
  "nicole12", "password!", "q1w2e3r4", "q1w2e3r4t5", "qazwsxedc", "1qazxsw2", "zaq12wsx", "!qaz2wsx",
  "qwer1234", "asdf1234", "test1234", "testtest", "default1", "football1", "baseball1", "access14",
  "mustang1", "blink182", "pokemon1", "minecraft", "fuckyou1", "hello123", "lovely12", "loveme12",
  "babygirl", "babygirl1", "butterfly", "chocolate", "elizabeth", "jessica1", "anthony1", "robert12",
  "daniel12", "matthew1", "superman1", "spiderman", "midnight", "maverick", "1234qwer", "123qweasd",
  "qweasdzxc", "1q2w3e4r5t6y", "123456789a", "a123456789", "12345678a", "123456789q", "qwertyu1",
  "parola123", "parol123", "пароль123", "йцукенгш", "qwerty12345", "1234567890q", "zxcvbnm,",
]);
