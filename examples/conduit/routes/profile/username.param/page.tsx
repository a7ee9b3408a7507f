// GET /profile/{username}: the user and their articles.
import { ProfilePage } from "../../_lib/profile";

export default ProfilePage;
